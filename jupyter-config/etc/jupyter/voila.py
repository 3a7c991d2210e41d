"""Voilà settings shipped with kurskit: MyST (.md) course modules render as notebooks.

Installed as `{sys.prefix}/etc/jupyter/voila.py` (pyproject's shared-data). Standalone `voila`
and the Voilà extension of Jupyter Server (JupyterLab, a JupyterHub single-user server) both
read `voila.py` from every Jupyter config directory. See docs/widgets.md.
"""

from kurskit.jupyter.voila import myst_notebook

c = get_config()  # noqa: F821 (traitlets provides get_config in config files)

# Voilà renders .ipynb and the extensions mapped here; any other file is sent to
# /voila/files/, which refuses it with 403 "File not allowlisted". Under Jupyter Server,
# jupytext's contents manager reads a .md file as a notebook, so the mapping is all it takes;
# standalone Voilà reads the file as text, and the hook turns the text into its notebook.
c.VoilaConfiguration.extension_language_mapping = {".md": "python"}
c.VoilaConfiguration.prelaunch_hook = myst_notebook
