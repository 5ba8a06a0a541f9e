"""Property-based contract checks for Vidu Q2 clients and providers."""
