//! calamine's cell values -> [`Cell`]. Floats go through the shortest round-trip decimal;
//! date-formatted cells become dates; error cells keep only their code.

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime};

use crate::read::builder::Builder;
use crate::value::{Cell, CellProblem, date_from_excel, decimal_from_f64, parse_iso_date};

pub(super) fn from_data_ref(value: DataRef<'_>, builder: &Builder<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => builder.text(&s),
        DataRef::SharedString(s) => builder.text(s),
        DataRef::Int(i) => Cell::Number(i.into()),
        DataRef::Float(f) => number(f),
        DataRef::Bool(b) => Cell::Text(if b { "TRUE" } else { "FALSE" }.to_owned()),
        DataRef::DateTime(dt) => date_time(&dt),
        DataRef::DateTimeIso(s) => iso(&s, builder),
        DataRef::DurationIso(s) => builder.text(&s),
        DataRef::Error(e) => error(&e),
    }
}

pub(super) fn from_data(value: &Data, builder: &Builder<'_>) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) => builder.text(s),
        Data::Int(i) => Cell::Number((*i).into()),
        Data::Float(f) => number(*f),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(dt) => date_time(dt),
        Data::DateTimeIso(s) => iso(s, builder),
        Data::DurationIso(s) => builder.text(s),
        Data::Error(e) => error(e),
    }
}

fn number(f: f64) -> Cell {
    decimal_from_f64(f).map_or(Cell::Invalid(CellProblem::NumberOutOfRange), Cell::Number)
}

fn date_time(dt: &ExcelDateTime) -> Cell {
    if dt.is_duration() {
        // A duration is a number of days; nothing we import is one, so let the column decide.
        return number(dt.as_f64());
    }
    date_from_excel(dt).map_or(Cell::Invalid(CellProblem::DateOutOfRange), Cell::Date)
}

fn iso(s: &str, builder: &Builder<'_>) -> Cell {
    parse_iso_date(s).map_or_else(|| builder.text(s), Cell::Date)
}

fn error(e: &CellErrorType) -> Cell {
    Cell::Invalid(CellProblem::SpreadsheetError(match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }))
}
