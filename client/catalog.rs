//! placeholder
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub request_type: Option<&'static str>,
    pub request_media_type: Option<&'static str>,
    pub success_type: &'static str,
    pub error_type: &'static str,
    pub hand_written: bool,
    pub doc_url: Option<&'static str>,
}
#[derive(Debug)]
pub struct Decoded { pub reencoded: serde_json::Value, pub debug: String }
impl Decoded {
    pub fn of<T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug>(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        let typed: T = serde_json::from_value(value)?;
        Ok(Self { reencoded: serde_json::to_value(&typed)?, debug: format!("{typed:#?}") })
    }
}
