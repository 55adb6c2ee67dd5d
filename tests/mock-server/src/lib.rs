//! Scripted fake ASCEND platform (placeholder).
