"""How kurskit plugs into Jupyter front ends: MyST course modules open as notebooks."""
