"""What a notebook's `ctx` is made of: formatting, narrative HTML, charts, fonts, parameters.

Imports `data`, never `build`."""
