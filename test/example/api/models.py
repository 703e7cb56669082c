# The API has no models of its own; it exposes the catalog and accounts apps.
