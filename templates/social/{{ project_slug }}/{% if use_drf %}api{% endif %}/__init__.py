"""The REST API (Django REST framework), mounted at ``/api/v1/``; every read uses the one privacy rule."""
