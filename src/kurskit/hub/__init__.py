"""JupyterHub for learners: the hub's settings and config, the sandboxed spawner, the answers
service, cohorts and accounts (see docs/hub.md). Front ends use `kurskit.api`."""
