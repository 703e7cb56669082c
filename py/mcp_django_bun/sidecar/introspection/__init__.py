"""Read-only descriptions of the Django project: settings, apps, models and URL routes.

Each module answers one sidecar operation family and returns plain data (dicts, lists, str,
int, bool, None) ready for the codec. Nothing here touches the database.
"""
