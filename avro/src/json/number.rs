//! Numbers in JSON: integers exactly, floating point with `"NaN"`, `"Infinity"` and
//! `"-Infinity"` for what JSON numbers cannot say.

use serde_json::{Number, Value as Json};

/// A `double` as JSON: a number, or one of the three strings for the non-finite values.
pub(crate) fn double_to_json(v: f64) -> Json {
    match Number::from_f64(v) {
        Some(n) => Json::Number(n),
        None if v.is_nan() => Json::String("NaN".into()),
        None if v > 0.0 => Json::String("Infinity".into()),
        None => Json::String("-Infinity".into()),
    }
}

/// A `float` as JSON. The number written is the shortest decimal that reads back as the same
/// `float` (`0.1`, not `0.10000000149011612`), unless that decimal would not survive the trip
/// through a `double`, in which case the `float`'s exact value is written.
pub(crate) fn float_to_json(v: f32) -> Json {
    if !v.is_finite() {
        return double_to_json(f64::from(v));
    }
    let short = v.to_string().parse::<f64>().ok();
    let wide = match short {
        Some(d) if (d as f32).to_bits() == v.to_bits() => d,
        _ => f64::from(v),
    };
    double_to_json(wide)
}

/// A JSON number, or one of the three strings, as a `double`.
pub(crate) fn json_to_double(json: &Json) -> Option<f64> {
    match json {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_short_and_read_back_exactly() {
        assert_eq!(float_to_json(0.1).to_string(), "0.1");
        assert_eq!(float_to_json(-0.0).to_string(), "-0.0");
        assert_eq!(float_to_json(f32::MAX).to_string(), "3.4028235e+38");
        for v in [0.1f32, 1.0e-45, f32::MIN_POSITIVE, 16_777_217.0, 3.3333333] {
            let back = json_to_double(&float_to_json(v)).map(|d| d as f32);
            assert_eq!(back.map(f32::to_bits), Some(v.to_bits()), "{v}");
        }
    }

    #[test]
    fn non_finite_values_are_strings() {
        assert_eq!(double_to_json(f64::NAN), Json::String("NaN".into()));
        assert_eq!(
            float_to_json(f32::INFINITY),
            Json::String("Infinity".into())
        );
        assert_eq!(
            double_to_json(f64::NEG_INFINITY),
            Json::String("-Infinity".into())
        );
        assert!(json_to_double(&Json::String("NaN".into())).is_some_and(f64::is_nan));
        assert_eq!(json_to_double(&Json::String("nan".into())), None);
    }
}
