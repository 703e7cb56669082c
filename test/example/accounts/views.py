# Account pages are served by the admin (login) and the api app (user detail).
