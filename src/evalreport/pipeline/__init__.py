"""The build: from a case to its published PDF and HTML twin (check, execute, render, publish)."""
