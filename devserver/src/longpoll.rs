//! Long polling of action status: one `tokio::sync::watch` channel per action that somebody is waiting on.
//! A waiter subscribes *before* reading the action, so a decision that lands between the read and the wait
//! still wakes it.

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;

/// Longest `wait` the server honours, advertised as `X-Ascend-Long-Poll: max=30`.
pub const MAX_WAIT_SECS: u64 = 30;

/// Waiters per action id.
#[derive(Debug, Default)]
pub struct LongPoll {
    channels: Mutex<HashMap<i64, watch::Sender<u64>>>,
}

impl LongPoll {
    /// Subscribes to changes of action `id`.
    pub fn subscribe(&self, id: i64) -> watch::Receiver<u64> {
        let mut m = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(id).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// Wakes every waiter of action `id` (its decision changed).
    pub fn notify(&self, id: i64) {
        let mut m = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = m.remove(&id) {
            tx.send_modify(|v| *v += 1);
        }
    }

    /// Drops the channel of `id` when nobody waits on it any more.
    pub fn release(&self, id: i64) {
        let mut m = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if m.get(&id).is_some_and(|tx| tx.receiver_count() == 0) {
            m.remove(&id);
        }
    }

    /// Number of actions with live channels (for tests).
    pub fn len(&self) -> usize {
        self.channels.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no channel is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn notify_wakes_a_subscriber() {
        let lp = LongPoll::default();
        let mut rx = lp.subscribe(7);
        lp.notify(7);
        tokio::time::timeout(Duration::from_secs(1), rx.changed()).await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn other_actions_do_not_wake() {
        let lp = LongPoll::default();
        let mut rx = lp.subscribe(7);
        lp.notify(8);
        assert!(tokio::time::timeout(Duration::from_millis(50), rx.changed()).await.is_err());
        drop(rx);
        lp.release(7);
        assert!(lp.is_empty());
    }
}
