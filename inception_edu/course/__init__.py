"""What the course says beyond computation: quoted history (C01, C02), the sources' code
snippets run as written (C39), and the environment check of notebook 00."""
