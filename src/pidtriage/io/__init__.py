"""Everything that reads or writes files lives here; the rest of the package works on values."""
