"""The page and its figures: sources, the numeral scanner, the data files and their checks.

The lowest layer: it imports nothing from `authoring` or `build`."""
