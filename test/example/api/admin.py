# Nothing to register: the api app has no models.
