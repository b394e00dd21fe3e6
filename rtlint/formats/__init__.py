"""One reader per file format; each exposes parse(path, kind, raw, text, bom) -> Document."""
