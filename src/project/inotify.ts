/**
 * Linux inotify through bun:ffi, on a non-blocking descriptor read synchronously: unlike fs.watch,
 * whose events reach JavaScript through the event loop (often after later I/O), a read here returns
 * every change the kernel recorded up to that moment. The only Linux-specific part of the watcher.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

/** Event bits the watcher reads (linux/inotify.h). */
export const IN_MODIFY = 0x2;
export const IN_MOVED_FROM = 0x40;
export const IN_MOVED_TO = 0x80;
export const IN_CREATE = 0x100;
export const IN_DELETE = 0x200;
export const IN_Q_OVERFLOW = 0x4000;
export const IN_IGNORED = 0x8000;
export const IN_ISDIR = 0x40000000;

const IN_ATTRIB = 0x4;
const IN_CLOSE_WRITE = 0x8;
const IN_DELETE_SELF = 0x400;
const IN_MOVE_SELF = 0x800;
const IN_ONLYDIR = 0x1000000;
const IN_EXCL_UNLINK = 0x4000000;
const WATCH_MASK =
  IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
/** struct inotify_event without its name: int32 wd, uint32 mask, uint32 cookie, uint32 len. */
const HEADER_BYTES = 16;
/** Room for many events per read(2); one event is at most 16 + NAME_MAX + 1 bytes. */
const BUFFER_BYTES = 64 * 1024;

export interface InotifyEvent {
  /** The watch descriptor the event is about; -1 for IN_Q_OVERFLOW. */
  wd: number;
  mask: number;
  /** The entry's name inside the watched folder; "" for events about the folder itself. */
  name: string;
}

export interface Inotify {
  /** Watches one folder (not below it); its watch descriptor, or undefined when the kernel refused. */
  add(dir: string): number | undefined;
  remove(wd: number): void;
  /** Every event pending now, without blocking. */
  read(): InotifyEvent[];
  close(): void;
}

function bindLibc() {
  return dlopen("libc.so.6", {
    inotify_init1: { args: [FFIType.i32], returns: FFIType.i32 },
    inotify_add_watch: { args: [FFIType.i32, FFIType.cstring, FFIType.u32], returns: FFIType.i32 },
    inotify_rm_watch: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  }).symbols;
}

function parse(buffer: Buffer, length: number, events: InotifyEvent[]): void {
  for (let offset = 0; offset + HEADER_BYTES <= length; ) {
    const start = offset + HEADER_BYTES;
    // The name field is NUL-padded to an alignment boundary.
    const field = buffer.subarray(start, start + buffer.readUInt32LE(offset + 12));
    const nul = field.indexOf(0);
    const name = field.toString("utf8", 0, nul === -1 ? field.length : nul);
    events.push({ wd: buffer.readInt32LE(offset), mask: buffer.readUInt32LE(offset + 4), name });
    offset = start + field.length;
  }
}

/**
 * An inotify instance, or why there is none on this Linux (no glibc, no JIT for bun:ffi, too many
 * instances); undefined elsewhere.
 */
export function openInotify(): Inotify | { unavailable: string } | undefined {
  if (process.platform !== "linux") return undefined;
  let libc: ReturnType<typeof bindLibc>;
  try {
    libc = bindLibc();
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  const fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return { unavailable: "inotify_init1 failed (too many inotify instances?)" };
  const buffer = Buffer.alloc(BUFFER_BYTES);
  const bufferPointer = ptr(buffer);
  return {
    add(dir) {
      const wd = libc.inotify_add_watch(fd, Buffer.from(`${dir}\0`), WATCH_MASK);
      return wd < 0 ? undefined : wd;
    },
    remove(wd) {
      libc.inotify_rm_watch(fd, wd);
    },
    read() {
      const events: InotifyEvent[] = [];
      for (;;) {
        // -1 is EAGAIN (nothing pending) on this non-blocking descriptor.
        const length = Number(libc.read(fd, bufferPointer, BUFFER_BYTES));
        if (length <= 0) return events;
        parse(buffer, length, events);
      }
    },
    close() {
      libc.close(fd);
    },
  };
}
