/** Hiding the project's secrets in what the server sends (src/mcp/redact.ts): the cost per result. */
import { createRedactor, type Secret } from "../../src/mcp/redact.ts";
import { median, report } from "./stats.ts";

const RUNS = 200;
const OUTPUT_CHARS = 50_000;

/** Ten secrets as projects have them: a Django key, passwords with punctuation, API keys, a plain word. */
const SECRETS: Secret[] = [
  { name: "SECRET_KEY", value: "django-insecure-a1!b2@c3#d4$e5%f6^g7&h8*i9(j0)-_=+xyz" },
  { name: "SECRET_KEY_FALLBACKS[0]", value: "django-insecure-old-q9w8e7r6t5y4u3i2o1p0" },
  { name: "DATABASES.default.PASSWORD", value: "p'a\"ss\\wörd €/ 1+2&3" },
  { name: "CACHES.default.LOCATION", value: "r3dis-pa55word!" },
  { name: "STRIPE_API_KEY", value: "sk_test_51FixtureNotARealStripeKey" },
  { name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { name: "SENTRY_DSN", value: "https://0123456789abcdef@o1.ingest.sentry.io/1" },
  { name: "EMAIL_HOST_PASSWORD", value: "mail-Pa$$w0rd-2024" },
  { name: "GITHUB_TOKEN", value: "ghp_16C7e42F292c6912E7710c838347Ae178B4a" },
  { name: "DATABASE_URL", value: "postgres" },
];

/** A shell result as the server sends it: 50 KB of printed output (two secrets in it), mirrored as JSON text. */
function shellMessage(): unknown {
  const lines: string[] = [];
  for (let i = 0; lines.join("\n").length < OUTPUT_CHARS; i++) {
    lines.push(`row ${i}: Book(id=${i}, title='Title number ${i}', isbn='978${String(i).padStart(10, "0")}', price=Decimal('${i % 90}.99'))`);
  }
  lines[lines.length >> 1] = `settings.SECRET_KEY = '${SECRETS[0]?.value}'`;
  lines[lines.length >> 2] = `url = https://api.test/?key=${encodeURIComponent(SECRETS[4]?.value ?? "")}`;
  const stdout = lines.join("\n").slice(0, OUTPUT_CHARS);
  const structured = { status: "success", output: {}, stdout, stderr: "" };
  return { jsonrpc: "2.0", id: 7, result: { structuredContent: structured, content: [{ type: "text", text: JSON.stringify(structured) }] } };
}

export async function benchRedaction(): Promise<void> {
  const compileTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const redactor = createRedactor();
    redactor.add(SECRETS);
    redactor.text("warm");
    compileTimes.push(performance.now() - started);
  }
  const redactor = createRedactor();
  redactor.add(SECRETS);
  const message = shellMessage();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    redactor.value(message);
    times.push(performance.now() - started);
  }
  const text = JSON.stringify(redactor.value(message));
  if (text.includes("a1!b2@c3") || text.includes("sk_test_51")) throw new Error("the benchmark's secrets were not redacted");
  report(`Redaction (${SECRETS.length} secrets)`, [
    { name: "building the forms and the matcher (once per new sidecar)", value: median(compileTimes), unit: "ms" },
    { name: "a 50 KB shell result (stdout and its JSON text mirror)", value: median(times), unit: "ms", target: { limit: 1, text: "< 1 ms" } },
  ]);
}
