//! Webhook verification and signing (issue 4). Placeholder: Standard Webhooks v1 and ASCEND v1 land here.
