"""Input and output: schema, reading (xlsx / CSV directory), validation, the ModelData, atomic writing, template."""
