"""What a portal page says: bytes decoded, markup read, fields extracted, menus, page records."""
