"""The two ways a source file can be wrong: it is not there (or not the bytes we expect), or its
content does not parse. Both name the file and say what to do."""


class SourceUnavailableError(FileNotFoundError):
    """A source file is missing from the mirror and the cache, cannot be fetched, or has the wrong sha256."""


class SourceFormatError(ValueError):
    """A source file's content is malformed: the message names the file, the line and the field."""

    def __init__(self, path, problem: str, line: int | None = None, field: str | None = None):
        where = f"{path}"
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.field = path, line, field
