"""wp-rest-lint: find WordPress REST API authentication mistakes in plugin source code."""

__version__ = "0.3.0"

# The project's home: SARIF tool.driver.informationUri.
INFORMATION_URI = "https://github.com/wp-rest-lint/wp-rest-lint"
# Where the rule pages (docs/rules/<CODE>.md, generated from the rule modules) are published; SARIF helpUri.
DOCS_URL = "https://github.com/wp-rest-lint/wp-rest-lint/blob/main/docs/rules/"
