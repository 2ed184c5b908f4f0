from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in an annex, where a clerk would look for it: Excel row and column header."""

    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"dòng {self.row}" if self.row else "tệp"
        column = f", cột “{self.column}”" if self.column else ""
        return f"{where}{column}: {self.message}"


class AnnexRejected(Exception):
    """The file was rejected as a whole: nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(map(str, errors[:5])))
        self.errors = errors
