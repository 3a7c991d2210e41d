"""Default limits for running notebooks when checking courses."""

#: Seconds one cell may run with `kurskit check --execute`.
DEFAULT_CELL_TIMEOUT = 120
