//! The mapping file: which source column plays which role. Every key is optional; anything
//! left out is detected (see `detect.rs`). Unknown keys are an error, never ignored.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::LoadError;

/// Whether imported labels describe single events or whole accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelLevel {
    Event,
    User,
}

impl LabelLevel {
    pub fn name(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::User => "user",
        }
    }
}

/// A second (third, ...) event read from the same row at another time column,
/// e.g. a `signup` at `signup_time` beside the `purchase` at `purchase_time`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraEvent {
    pub time: String,
    pub event_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// strftime, or `epoch_s` / `epoch_ms` / `epoch_us` / `iso8601`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
    /// Column holding the event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Constant event name when the log has no event-type column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Linked-entity columns: device, ip, terminal, card, merchant, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_level: Option<LabelLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
    /// One character, or `whitespace` for runs of spaces and tabs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The text's character encoding (`utf-8`, `gbk`, `gb18030`, `big5`, `utf-16le`, ...);
    /// detected when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_events: Vec<ExtraEvent>,
}

impl Mapping {
    /// Reads a mapping file; errors name the mapping file and, for TOML errors, the line.
    pub fn from_file(path: &Path) -> Result<Self, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound {
                path: path.to_path_buf(),
            },
            _ => LoadError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        Self::from_toml(&text).map_err(|detail| LoadError::Mapping {
            path: path.to_path_buf(),
            detail,
        })
    }

    /// Parses mapping TOML; the error is one line with the position and the cause.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| {
            let position = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            format!("{position}{}", e.message().trim())
        })
    }

    /// The mapping as a mapping file says it.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// This mapping without the optional roles (amount, item, category, label, entities, extra
    /// event times) whose column `has` says is absent: what lines appended to an NDJSON log
    /// are read by, since a line may leave out any field. The user, time and event roles stay,
    /// so a batch without them is still an error that names the role.
    pub fn without_absent(&self, has: impl Fn(&str) -> bool) -> Self {
        let keep = |c: &Option<String>| c.clone().filter(|name| has(name));
        Self {
            amount: keep(&self.amount),
            item: keep(&self.item),
            category: keep(&self.category),
            label: keep(&self.label),
            entities: self
                .entities
                .as_ref()
                .map(|e| e.iter().filter(|name| has(name)).cloned().collect()),
            extra_events: self
                .extra_events
                .iter()
                .filter(|x| has(&x.time))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// Lower-cases a column name and drops separators, so `User ID`, `user_id` and `userId` meet.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.' | '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Synonyms per role, already normalised. Checked in this order of preference.
pub const USER_NAMES: &[&str] = &[
    "user",
    "userid",
    "uid",
    "username",
    "customer",
    "customerid",
    "custid",
    "clientid",
    "account",
    "accountid",
    "memberid",
    "buyerid",
    "nameorig",
    "用户",
    "用户id",
    "用户名",
    "用戶",
    "用戶id",
    "用戶名",
    "帳號",
    "賬號",
    "客户",
    "客户id",
    "会员",
    "会员id",
    "账号",
    "账户",
    "买家id",
];
pub const TIME_NAMES: &[&str] = &[
    "ts",
    "time",
    "timestamp",
    "eventtime",
    "eventtimestamp",
    "datetime",
    "eventdate",
    "createdat",
    "occurredat",
    "logtime",
    "actiontime",
    "clicktime",
    "ordertime",
    "purchasetime",
    "trxtime",
    "transactiontime",
    "txdatetime",
    "date",
    "时间",
    "时间戳",
    "時間",
    "時間戳",
    "日期",
    "发生时间",
    "行为时间",
    "下单时间",
    "交易时间",
];
pub const EVENT_NAMES: &[&str] = &[
    "event",
    "eventtype",
    "eventname",
    "action",
    "actiontype",
    "behavior",
    "behaviour",
    "behaviortype",
    "behaviourtype",
    "activity",
    "type",
    "行为",
    "行为类型",
    "行為",
    "行為類型",
    "事件",
    "事件类型",
    "操作",
    "类型",
];
pub const AMOUNT_NAMES: &[&str] = &[
    "amount",
    "amt",
    "value",
    "price",
    "purchasevalue",
    "dollarvalue",
    "total",
    "totalamount",
    "orderamount",
    "payment",
    "paymentamount",
    "txamount",
    "transactionamount",
    "金额",
    "金額",
    "价格",
    "支付金额",
    "订单金额",
    "交易金额",
];
pub const ITEM_NAMES: &[&str] = &[
    "item",
    "itemid",
    "product",
    "productid",
    "sku",
    "skuid",
    "goods",
    "goodsid",
    "商品",
    "商品id",
];
pub const CATEGORY_NAMES: &[&str] = &[
    "category",
    "categoryid",
    "cat",
    "catid",
    "cate",
    "cateid",
    "productcategory",
    "类目",
    "类目id",
    "品类",
    "分类",
];
pub const LABEL_NAMES: &[&str] = &[
    "label",
    "class",
    "isfraud",
    "fraud",
    "fraudlabel",
    "target",
    "txfraud",
    "标签",
    "是否欺诈",
];
/// Entity synonyms and the canonical name each one takes in the event table.
pub const ENTITY_NAMES: &[(&str, &str)] = &[
    ("device", "device"),
    ("deviceid", "device"),
    ("devicefingerprint", "device"),
    ("设备", "device"),
    ("设备id", "device"),
    ("ip", "ip"),
    ("ipaddress", "ip"),
    ("ipaddr", "ip"),
    ("clientip", "ip"),
    ("ip地址", "ip"),
    ("terminal", "terminal"),
    ("terminalid", "terminal"),
    ("card", "card"),
    ("cardid", "card"),
    ("cardnumber", "card"),
    ("卡号", "card"),
    ("merchant", "merchant"),
    ("merchantid", "merchant"),
    ("商户", "merchant"),
    ("seller", "seller"),
    ("sellerid", "seller"),
    ("shopid", "seller"),
    ("卖家", "seller"),
    ("商家", "seller"),
    ("店铺", "seller"),
    ("email", "email"),
    ("phone", "phone"),
    ("address", "address"),
];

/// The canonical name for an entity column: a known synonym's role, else the column's own name.
pub fn entity_name(column: &str) -> String {
    let n = normalise_name(column);
    ENTITY_NAMES
        .iter()
        .find(|(syn, _)| *syn == n)
        .map(|(_, canonical)| canonical.to_string())
        .unwrap_or_else(|| column.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let m = Mapping::from_toml(
            r#"
user = "user_id"
time = "purchase_time"
time_format = "%m/%d/%Y %H:%M"
event_name = "purchase"
amount = "purchase_value"
entities = ["device_id", "ip_address"]
label = "class"
label_level = "user"
has_header = true
delimiter = ","
[[extra_events]]
time = "signup_time"
event_name = "signup"
"#,
        )
        .unwrap();
        assert_eq!(m.user.as_deref(), Some("user_id"));
        assert_eq!(m.label_level, Some(LabelLevel::User));
        assert_eq!(m.extra_events.len(), 1);
        assert_eq!(Mapping::from_toml(&m.to_toml().unwrap()).unwrap(), m);
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let err = Mapping::from_toml("user = \"u\"\nusr_typo = \"x\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("usr_typo"), "{err}");
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise_name("User ID"), "userid");
        assert_eq!(normalise_name("用户ID"), "用户id");
        assert_eq!(entity_name("ip_address"), "ip");
        assert_eq!(entity_name("os"), "os");
    }
}
