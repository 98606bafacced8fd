"""Front ends: the Flask app (HTML pages and JSON API) and the `sifter` command line."""
