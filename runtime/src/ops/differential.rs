//! Differential tests: thousands of inputs with the answers CPython 3.11
//! gave for them, stored in `testdata/*.tsv` by `gen_testdata.py`.
//!
//! Each line is one case: tab-separated fields escaped with `\t`, `\n`,
//! `\\` and `\u{XXXX}`; an expected field starting with `!` is an
//! exception, `!Class: message`.

use num_bigint::BigInt;

use super::OpError;
use super::float_repr::float_repr;
use super::format_spec::{format_float, format_int};
use super::number;
use super::percent_format::{PercentHost, PercentNumber, percent_format};
use super::str_format::Conversion;
use super::str_repr::{str_ascii, str_repr};
use super::text;

/// Undoes the escaping of one field.
fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let cp = u32::from_str_radix(&hex, 16).expect("escape");
                out.push(char::from_u32(cp).expect("code point"));
            }
            other => panic!("bad escape {other:?} in {field:?}"),
        }
    }
    out
}

/// The rows of a table.
fn rows(table: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    table.lines().map(|l| l.split('\t').map(unescape).collect())
}

fn float_from_bits(hex: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(hex, 16).expect("bits"))
}

fn bits_of(x: f64) -> String {
    format!("{:016x}", x.to_bits())
}

fn shown(e: &OpError) -> String {
    format!("!{}: {}", e.class_name(), e.message())
}

fn big(s: &str) -> BigInt {
    s.parse().expect("int")
}

/// Runs `check` on every row, and fails listing the first mismatches.
fn run(name: &str, table: &str, check: impl Fn(&[String]) -> Vec<(String, String, String)>) {
    let mut failures = Vec::new();
    let mut n = 0;
    for row in rows(table) {
        n += 1;
        for (what, want, got) in check(&row) {
            if want != got {
                failures.push(format!("{what}: want {want:?}, got {got:?} (row {row:?})"));
            }
        }
    }
    assert!(n >= 50, "{name}: only {n} rows");
    assert!(
        failures.is_empty(),
        "{name}: {} mismatches, first:\n{}",
        failures.len(),
        failures[..failures.len().min(8)].join("\n")
    );
}

fn outcome<T>(r: Result<T, OpError>, show: impl Fn(T) -> String) -> String {
    match r {
        Ok(v) => show(v),
        Err(e) => shown(&e),
    }
}

#[test]
fn float_repr_and_hash() {
    run("float_repr", include_str!("testdata/float_repr.tsv"), |r| {
        let x = float_from_bits(&r[0]);
        vec![
            ("repr".into(), r[1].clone(), float_repr(x)),
            (
                "hash".into(),
                r[2].clone(),
                number::hash_float(x).map_or("nan".into(), |h| h.to_string()),
            ),
        ]
    });
}

#[test]
fn round_with_ndigits() {
    run("round", include_str!("testdata/round.tsv"), |r| {
        let x = float_from_bits(&r[0]);
        let got = if r[1] == "None" {
            outcome(number::round_float_to_int(x), |v| v.to_string())
        } else {
            outcome(number::round_float(x, &big(&r[1])), bits_of)
        };
        vec![(format!("round({x:e}, {})", r[1]), r[2].clone(), got)]
    });
}

#[test]
fn int_true_division() {
    run(
        "int_truediv",
        include_str!("testdata/int_truediv.tsv"),
        |r| {
            let (a, b) = (big(&r[0]), big(&r[1]));
            let got = if r[1] == "1" {
                outcome(number::int_to_f64(&a), bits_of)
            } else {
                outcome(number::int_truediv(&a, &b), bits_of)
            };
            vec![("a / b".into(), r[2].clone(), got)]
        },
    );
}

#[test]
fn int_hash_floordiv_mod_sizeof() {
    run("int_ops", include_str!("testdata/int_ops.tsv"), |r| {
        let (a, b) = (big(&r[0]), big(&r[1]));
        vec![
            (
                "hash".into(),
                r[2].clone(),
                number::hash_int(&a).to_string(),
            ),
            (
                "//".into(),
                r[3].clone(),
                outcome(number::int_floordiv(&a, &b), |v| v.to_string()),
            ),
            (
                "%".into(),
                r[4].clone(),
                outcome(number::int_mod(&a, &b), |v| v.to_string()),
            ),
            (
                "getsizeof".into(),
                r[5].clone(),
                number::int_sizeof(&a).to_string(),
            ),
        ]
    });
}

#[test]
fn format_floats() {
    run(
        "format_float",
        include_str!("testdata/format_float.tsv"),
        |r| {
            let x = float_from_bits(&r[0]);
            vec![(
                format!("format({x:?}, {:?})", r[1]),
                r[2].clone(),
                outcome(format_float(x, &r[1], "float"), |s| s),
            )]
        },
    );
}

#[test]
fn format_ints() {
    run("format_int", include_str!("testdata/format_int.tsv"), |r| {
        let a = big(&r[0]);
        vec![(
            format!("format({a}, {:?})", r[1]),
            r[2].clone(),
            outcome(format_int(&a, &r[1], "int"), |s| s),
        )]
    });
}

/// One int, float or str on the right of `%`.
struct One(PercentNumber);

impl PercentHost for One {
    type Value = PercentNumber;
    type Error = OpError;
    fn tuple_len(&self) -> Option<usize> {
        Some(1)
    }
    fn is_mapping(&self) -> bool {
        false
    }
    fn whole(&mut self) -> PercentNumber {
        self.0.clone()
    }
    fn item(&mut self, _: usize) -> PercentNumber {
        self.0.clone()
    }
    fn key(&mut self, _: &str) -> Result<PercentNumber, OpError> {
        Err(OpError::Type("format requires a mapping".into()))
    }
    fn number(&mut self, v: PercentNumber) -> Result<PercentNumber, OpError> {
        Ok(v)
    }
    fn text(&mut self, v: PercentNumber, conversion: Conversion) -> Result<String, OpError> {
        Ok(match (v, conversion) {
            (PercentNumber::Int(i), _) => i.to_string(),
            (PercentNumber::Float(f), _) => float_repr(f),
            (PercentNumber::Str(s), Conversion::Str) => s,
            (PercentNumber::Str(s), Conversion::Repr) => str_repr(&s),
            (PercentNumber::Str(s), Conversion::Ascii) => str_ascii(&s),
            (PercentNumber::Other(t), _) => t,
        })
    }
}

#[test]
fn percent_formatting() {
    run("percent", include_str!("testdata/percent.tsv"), |r| {
        let v = match r[1].as_str() {
            "i" => PercentNumber::Int(big(&r[2])),
            "f" => PercentNumber::Float(float_from_bits(&r[2])),
            _ => PercentNumber::Str(r[2].clone()),
        };
        vec![(
            format!("{:?} % {:?}", r[0], r[2]),
            r[3].clone(),
            outcome(percent_format(&r[0], &mut One(v)), |s| s),
        )]
    });
}

#[test]
fn int_and_float_parsing() {
    run("parse", include_str!("testdata/parse.tsv"), |r| {
        let base: u32 = r[1].parse().expect("base");
        vec![
            (
                format!("int({:?}, {base})", r[0]),
                r[2].clone(),
                outcome(
                    number::int_from_str(&r[0], base, number::INT_MAX_STR_DIGITS),
                    |v| v.to_string(),
                ),
            ),
            (
                format!("float({:?})", r[0]),
                r[3].clone(),
                outcome(number::float_from_str(&r[0]), float_repr),
            ),
        ]
    });
}

fn list_repr(items: &[&str]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| str_repr(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn opt(s: &str) -> Option<i64> {
    (s != "None").then(|| s.parse().expect("index"))
}

fn py_bool(b: bool) -> String {
    if b { "True".into() } else { "False".into() }
}

#[test]
fn str_methods() {
    run("text", include_str!("testdata/text.tsv"), |r| {
        let (s, sub) = (r[0].as_str(), r[1].as_str());
        let (st, en) = (opt(&r[2]), opt(&r[3]));
        let m: i64 = r[4].parse().expect("maxsplit");
        let split_or_err = |v: Result<Vec<&str>, OpError>| match v {
            Ok(v) => list_repr(&v),
            Err(e) => str_repr(&shown(&e)),
        };
        let preds: [fn(&str) -> bool; 11] = [
            text::isalpha,
            text::isalnum,
            text::isdecimal,
            text::isdigit,
            text::isnumeric,
            text::isspace,
            text::isprintable,
            text::isupper,
            text::islower,
            text::istitle,
            text::isidentifier,
        ];
        let width: i64 = r[28].parse().expect("width");
        let zwidth: i64 = r[30].parse().expect("zfill width");
        let tab: i64 = r[32].parse().expect("tabsize");
        let strip_chars = if sub.is_empty() { None } else { Some(sub) };
        let got = [
            text::find(s, sub, st, en).to_string(),
            text::rfind(s, sub, st, en).to_string(),
            text::count(s, sub, st, en).to_string(),
            py_bool(text::startswith(s, &[sub], st, en)),
            py_bool(text::endswith(s, &[sub], st, en)),
            list_repr(&text::split_whitespace(s, m)),
            list_repr(&text::rsplit_whitespace(s, m)),
            split_or_err(text::split(s, sub, m)),
            split_or_err(text::rsplit(s, sub, m)),
            list_repr(&text::splitlines(s, true)),
            text::strip(s, None).to_owned(),
            text::strip(s, strip_chars).to_owned(),
            text::replace(s, sub, "<>", m).expect("replace"),
            text::lower(s),
            text::upper(s),
            text::title(s),
            text::capitalize(s),
            text::swapcase(s),
            text::casefold(s),
            str_repr(s),
            str_ascii(s),
            text::str_sizeof(s).to_string(),
            preds.iter().map(|f| if f(s) { '1' } else { '0' }).collect(),
        ];
        let names = [
            "find",
            "rfind",
            "count",
            "startswith",
            "endswith",
            "split()",
            "rsplit()",
            "split(sub)",
            "rsplit(sub)",
            "splitlines",
            "strip()",
            "strip(sub)",
            "replace",
            "lower",
            "upper",
            "title",
            "capitalize",
            "swapcase",
            "casefold",
            "repr",
            "ascii",
            "getsizeof",
            "predicates",
        ];
        let mut checks: Vec<(String, String, String)> = names
            .iter()
            .zip(got)
            .enumerate()
            .map(|(i, (name, g))| (format!("{s:?}.{name}"), r[5 + i].clone(), g))
            .collect();
        checks.push((
            "center".into(),
            r[29].clone(),
            text::center(s, width, '*').expect("center"),
        ));
        checks.push((
            "zfill".into(),
            r[31].clone(),
            text::zfill(s, zwidth).expect("zfill"),
        ));
        checks.push((
            "expandtabs".into(),
            r[33].clone(),
            text::expandtabs(s, tab).expect("expandtabs"),
        ));
        checks
    });
}

/// `op:arg:size` steps of a growth table row.
fn steps(row: &str) -> impl Iterator<Item = Vec<&str>> {
    row.split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| s.split(':').collect())
}

#[test]
fn list_growth_sequences() {
    use super::list_growth::{list_preallocate_exact, list_resize, list_sizeof};
    run(
        "list_growth",
        include_str!("testdata/list_growth.tsv"),
        |r| {
            // (size, allocated, item array is NULL): a fresh or cleared list has
            // no array; one shrunk to 0 by list_resize keeps a 0-byte block.
            let (mut size, mut alloc, mut null) = (0usize, 0usize, true);
            let mut checks = Vec::new();
            for step in steps(&r[0]) {
                let k: usize = step[1].parse().expect("k");
                match step[0] {
                    "append" | "insert" => {
                        alloc = list_resize(size, alloc, size + 1);
                        size += 1;
                        null = false;
                    }
                    "pop" => {
                        alloc = list_resize(size, alloc, size - 1);
                        size -= 1;
                    }
                    "extend" if k > 0 => {
                        alloc = if null {
                            list_preallocate_exact(k)
                        } else {
                            list_resize(size, alloc, size + k)
                        };
                        size += k;
                        null = false;
                    }
                    "extend" => {}
                    "delprefix" if k < size => {
                        alloc = list_resize(size, alloc, size - k);
                        size -= k;
                    }
                    _ => (size, alloc, null) = (0, 0, true),
                }
                checks.push((
                    format!("{step:?}"),
                    step[2].to_owned(),
                    list_sizeof(alloc).to_string(),
                ));
            }
            checks
        },
    );
}

#[test]
fn dict_growth_sequences() {
    use super::list_growth::DictKeys;
    run(
        "dict_growth",
        include_str!("testdata/dict_growth.tsv"),
        |r| {
            let mut d = DictKeys::new();
            let mut checks = Vec::new();
            for step in steps(&r[0]) {
                match step[0] {
                    "str" => {
                        d.insert_new_key(true);
                    }
                    "int" => {
                        d.insert_new_key(false);
                    }
                    "del" => d.delete_key(),
                    "set" => {}
                    "clear" => {
                        d.clear();
                    }
                    _ => d = d.copied(),
                }
                checks.push((
                    format!("{step:?}"),
                    step[1].to_owned(),
                    d.sizeof().to_string(),
                ));
            }
            checks
        },
    );
}

/// A set table simulated slot by slot with CPython's probing and resize
/// rules (`set_add_entry`, `set_discard_entry`, `set_table_resize`).
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Empty,
    Dummy,
    Key(i64, i64),
}

struct SetSim {
    table: Vec<Slot>,
    used: usize,
    fill: usize,
}

impl SetSim {
    fn new() -> Self {
        SetSim {
            table: vec![Slot::Empty; 8],
            used: 0,
            fill: 0,
        }
    }

    fn add(&mut self, key: i64) {
        use super::list_growth::{set_probe_sequence, set_resize_after_add};
        let hash = number::hash_i64(key);
        let mut freeslot = None;
        for idx in set_probe_sequence(hash, self.table.len()) {
            match self.table[idx] {
                Slot::Empty => {
                    self.used += 1;
                    if let Some(f) = freeslot {
                        self.table[f] = Slot::Key(key, hash);
                        return;
                    }
                    self.table[idx] = Slot::Key(key, hash);
                    self.fill += 1;
                    if let Some(minused) =
                        set_resize_after_add(self.used, self.fill, self.table.len())
                    {
                        self.resize(minused);
                    }
                    return;
                }
                Slot::Key(k, _) if k == key => return,
                // CPython 3.11 keeps the *last* dummy seen (`freeslot = entry`).
                Slot::Dummy => freeslot = Some(idx),
                _ => {}
            }
        }
    }

    fn discard(&mut self, key: i64) {
        let hash = number::hash_i64(key);
        for idx in super::list_growth::set_probe_sequence(hash, self.table.len()) {
            match self.table[idx] {
                Slot::Empty => return,
                Slot::Key(k, _) if k == key => {
                    self.table[idx] = Slot::Dummy;
                    self.used -= 1;
                    return;
                }
                _ => {}
            }
        }
    }

    fn resize(&mut self, minused: usize) {
        let old = std::mem::replace(
            &mut self.table,
            vec![Slot::Empty; super::list_growth::set_table_size(minused)],
        );
        for slot in old {
            if let Slot::Key(_, hash) = slot {
                let probe = super::list_growth::set_probe_sequence(hash, self.table.len());
                for idx in probe {
                    if self.table[idx] == Slot::Empty {
                        self.table[idx] = slot;
                        break;
                    }
                }
            }
        }
        self.fill = self.used;
    }

    fn order(&self) -> String {
        let keys: Vec<String> = self
            .table
            .iter()
            .filter_map(|s| {
                if let Slot::Key(k, _) = s {
                    Some(k.to_string())
                } else {
                    None
                }
            })
            .collect();
        keys.join(" ")
    }
}

#[test]
fn set_growth_sequences_and_iteration_order() {
    run("set_growth", include_str!("testdata/set_growth.tsv"), |r| {
        let mut s = SetSim::new();
        let mut checks = Vec::new();
        for step in steps(&r[0]) {
            let k: i64 = step[1].parse().expect("key");
            match step[0] {
                "add" => s.add(k),
                "discard" => s.discard(k),
                _ => s = SetSim::new(),
            }
            let size = super::list_growth::set_sizeof(s.table.len());
            checks.push((format!("{step:?}"), step[2].to_owned(), size.to_string()));
        }
        checks.push(("iteration order".into(), r[1].clone(), s.order()));
        checks
    });
}

/// The arguments of the `str_format` table: `(7, 'ab', [5, 6])`,
/// `x=3, y='z'`.
#[derive(Clone)]
enum FVal {
    Int(i64),
    Str(String),
    List(Vec<i64>),
}

struct FHost;

impl super::str_format::FormatHost for FHost {
    type Value = FVal;
    type Error = OpError;
    fn positional(&mut self, index: usize) -> Result<FVal, OpError> {
        match index {
            0 => Ok(FVal::Int(7)),
            1 => Ok(FVal::Str("ab".into())),
            2 => Ok(FVal::List(vec![5, 6])),
            i => Err(super::str_format::replacement_index_error(i)),
        }
    }
    fn keyword(&mut self, name: &str) -> Result<FVal, OpError> {
        match name {
            "x" => Ok(FVal::Int(3)),
            "y" => Ok(FVal::Str("z".into())),
            other => Err(OpError::Key(str_repr(other))),
        }
    }
    fn attribute(&mut self, obj: FVal, name: &str) -> Result<FVal, OpError> {
        match (obj, name) {
            (FVal::Int(i), "real") => Ok(FVal::Int(i)),
            (FVal::Int(_), "imag") => Ok(FVal::Int(0)),
            _ => Err(OpError::Type(format!("no attribute {name}"))),
        }
    }
    fn item_index(&mut self, obj: FVal, index: usize) -> Result<FVal, OpError> {
        match obj {
            FVal::List(v) => v
                .get(index)
                .map(|&i| FVal::Int(i))
                .ok_or(OpError::Index("list index out of range".into())),
            FVal::Str(s) => s
                .chars()
                .nth(index)
                .map(|c| FVal::Str(c.to_string()))
                .ok_or(OpError::Index("string index out of range".into())),
            FVal::Int(_) => Err(OpError::Type("'int' object is not subscriptable".into())),
        }
    }
    fn item_key(&mut self, _: FVal, key: &str) -> Result<FVal, OpError> {
        Err(OpError::Type(format!("no key {key}")))
    }
    fn convert(&mut self, obj: FVal, conversion: Conversion) -> Result<FVal, OpError> {
        Ok(FVal::Str(match (obj, conversion) {
            (FVal::Int(i), _) => i.to_string(),
            (FVal::Str(s), Conversion::Str) => s,
            (FVal::Str(s), Conversion::Repr) => str_repr(&s),
            (FVal::Str(s), Conversion::Ascii) => str_ascii(&s),
            (FVal::List(v), _) => format!(
                "[{}]",
                v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
        }))
    }
    fn format(&mut self, obj: FVal, spec: &str, out: &mut String) -> Result<(), OpError> {
        let text = match obj {
            FVal::Int(i) => format_int(&BigInt::from(i), spec, "int")?,
            FVal::Str(s) => super::format_spec::format_str(&s, spec, "str")?,
            FVal::List(v) if spec.is_empty() => {
                format!(
                    "[{}]",
                    v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                )
            }
            FVal::List(_) => {
                return Err(OpError::Type(
                    "unsupported format string passed to list.__format__".into(),
                ));
            }
        };
        out.push_str(&text);
        Ok(())
    }
}

#[test]
fn str_format_strings() {
    run("str_format", include_str!("testdata/str_format.tsv"), |r| {
        let got = outcome(super::str_format::str_format(&r[0], &mut FHost), |s| s);
        vec![(format!("{:?}.format(...)", r[0]), r[1].clone(), got)]
    });
}
