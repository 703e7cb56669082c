"""Handlers of the sidecar's ops: thin adapters from an op's typed arguments to the functions that
do the work. ``dispatch`` maps op names to them and checks the arguments first."""
