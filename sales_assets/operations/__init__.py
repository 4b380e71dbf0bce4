"""Assets about the vendors themselves: are they reachable, with what credentials, and what is left."""
