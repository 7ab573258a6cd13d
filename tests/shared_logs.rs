//! Every public log in ../shared/data loads, and its counts match figures computed
//! independently (Python's csv module over the raw files; see the comments).

mod common;

use common::{fixture, inspect_json, shared_data};
use serde_json::json;

#[test]
fn fraud_ecommerce_with_its_mapping() {
    let Some(data) = shared_data() else { return };
    let r = inspect_json(
        &data.join("fraud_ecommerce_head30k.csv"),
        Some(&fixture("fraud_ecommerce.toml")),
    );
    assert_eq!(r["rows_read"], 30189);
    assert_eq!(r["rows_loaded"], 30189);
    assert_eq!(r["rows_rejected"], 0);
    assert_eq!(r["duplicates_removed"], 0);
    assert_eq!(r["users"], 30189);
    assert_eq!(r["events"], 60378);
    assert_eq!(
        r["event_types"],
        json!({"purchase": 30189, "signup": 30189})
    );
    assert_eq!(r["time_min"], "2015-01-01T00:00:00Z");
    assert_eq!(r["time_max"], "2015-12-14T23:08:00Z");
    assert_eq!(
        r["labels"],
        json!({"level": "user", "positive": 2867, "negative": 27322})
    );
    assert_eq!(r["mapping"]["entity:device"], "device_id");
    assert_eq!(r["mapping"]["entity:ip"], "ip_address");
    assert_eq!(r["mapping"]["time:signup"], "signup_time");
}

#[test]
fn fraud_ecommerce_alone_is_still_readable() {
    let Some(data) = shared_data() else { return };
    let r = inspect_json(&data.join("fraud_ecommerce_head30k.csv"), None);
    assert_eq!(r["mapping"]["user"], "user_id");
    assert_eq!(r["mapping"]["label"], "class");
    assert_eq!(r["events"], 30189);
    // Two time columns: detection picks one and says it is unsure.
    assert!(
        r["unsure_roles"]
            .as_array()
            .unwrap()
            .contains(&json!("time"))
    );
}

#[test]
fn talkingdata_with_its_mapping() {
    let Some(data) = shared_data() else { return };
    let r = inspect_json(
        &data.join("talkingdata_clicks_100k.csv"),
        Some(&fixture("talkingdata.toml")),
    );
    assert_eq!(r["rows_read"], 100000);
    assert_eq!(r["duplicates_removed"], 1);
    assert_eq!(r["rows_loaded"], 99999);
    assert_eq!(r["users"], 34857);
    assert_eq!(r["events"], 99999 + 227);
    assert_eq!(r["event_types"], json!({"click": 99999, "download": 227}));
    assert_eq!(r["time_min"], "2017-11-06T16:00:00Z");
    assert_eq!(r["time_max"], "2017-11-09T15:59:51Z");
    assert!(r.get("labels").is_none());
}

#[test]
fn talkingdata_alone_asks_for_a_user_column() {
    let Some(data) = shared_data() else { return };
    let out = common::vigil(&[
        "inspect",
        data.join("talkingdata_clicks_100k.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("no user column"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn taobao_headerless_detected_from_content() {
    let Some(data) = shared_data() else { return };
    let r = inspect_json(&data.join("taobao_userbehavior_head.csv"), None);
    assert_eq!(r["has_header"], false);
    assert_eq!(r["rows_read"], 4321);
    assert_eq!(r["rows_loaded"], 4321);
    assert_eq!(r["users"], 43);
    assert_eq!(r["events"], 4321);
    assert_eq!(
        r["event_types"],
        json!({"pv": 3926, "cart": 190, "fav": 128, "buy": 77})
    );
    assert_eq!(r["time_min"], "2017-09-11T08:16:39Z");
    assert_eq!(r["time_max"], "2017-12-03T15:59:13Z");
    assert_eq!(r["time_format"], "epoch_s");
    assert_eq!(r["mapping"]["user"], "column_1");
    assert_eq!(r["mapping"]["event"], "column_4");
    assert_eq!(r["mapping"]["time"], "column_5");
}

#[test]
fn taobao_with_its_mapping_names_items() {
    let Some(data) = shared_data() else { return };
    let r = inspect_json(
        &data.join("taobao_userbehavior_head.csv"),
        Some(&fixture("taobao.toml")),
    );
    assert_eq!(r["events"], 4321);
    assert_eq!(r["mapping"]["item"], "column_2");
    assert_eq!(r["mapping"]["category"], "column_3");
}

#[test]
fn cdnow_whitespace_crlf_with_duplicates() {
    let Some(data) = shared_data() else { return };
    for map in [None, Some(fixture("cdnow.toml"))] {
        let r = inspect_json(&data.join("cdnow_master.txt"), map.as_deref());
        assert_eq!(r["delimiter"], "whitespace");
        assert_eq!(r["rows_read"], 69659);
        assert_eq!(r["duplicates_removed"], 255);
        assert_eq!(r["rows_loaded"], 69404);
        assert_eq!(r["users"], 23570);
        assert_eq!(r["events"], 69404);
        assert_eq!(r["time_min"], "1997-01-01T00:00:00Z");
        assert_eq!(r["time_max"], "1998-06-30T00:00:00Z");
        assert_eq!(r["mapping"]["amount"], "dollar_value");
    }
}

#[test]
fn cdnow_amounts_survive_loading() {
    let Some(data) = shared_data() else { return };
    let loaded = vigil::log::load(
        &data.join("cdnow_master.txt"),
        &Default::default(),
        &vigil::progress::NoProgress,
    )
    .unwrap();
    let sum: f64 = loaded.log.columns.amount.as_ref().unwrap().iter().sum();
    // Python: sum of dollar_value over distinct rows = 2495982.75
    assert!((sum - 2_495_982.75).abs() < 0.01, "{sum}");
}
