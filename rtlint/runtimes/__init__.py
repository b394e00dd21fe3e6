"""Models of what each runtime reads: table paths per config version, defaults, merge rules."""
