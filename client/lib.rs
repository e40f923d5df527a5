pub mod catalog;
pub mod kredibel;
pub mod iluma;
