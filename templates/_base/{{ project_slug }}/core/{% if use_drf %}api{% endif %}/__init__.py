"""What every REST API of this project shares: error responses, the OpenAPI schema's conventions, id fields
and filters bounded to the database's range, and viewsets that answer writes with the fresh object."""
