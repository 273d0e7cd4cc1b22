"""${{ values.name }}: an HTTP service on the Python standard library."""
