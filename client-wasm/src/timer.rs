//! The client's one session timer (`setTimeout`), set to the session's next deadline.

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::driver::{Inner, Shared, pump};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(f: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(handle: &JsValue);
}

/// Sets the one timer to the session's next deadline. A timer already set for that deadline or
/// an earlier one is kept (firing early is harmless: the session does nothing before its
/// deadline, and the timer is set again after): most frames move no deadline or a later one,
/// and clearing and setting a timer per frame costs more than the frame.
pub(crate) fn schedule(rc: &Shared, inner: &mut Inner) {
    let Some(at) = inner.session.poll_timeout() else {
        if let Some((t, _)) = inner.timer.take() {
            clear_timeout(&t);
        }
        return;
    };
    match &inner.timer {
        Some((_, set_for)) if *set_for <= at => return,
        Some(_) => {
            if let Some((t, _)) = inner.timer.take() {
                clear_timeout(&t);
            }
        }
        None => {}
    }
    if inner.timer_fn.is_none() {
        let weak = Rc::downgrade(rc);
        inner.timer_fn = Some(Closure::<dyn FnMut()>::new(move || {
            if let Some(rc) = weak.upgrade() {
                {
                    let mut inner = rc.borrow_mut();
                    inner.timer = None;
                    let now = inner.now();
                    inner.session.handle_timeout(now);
                }
                pump(&rc);
            }
        }));
    }
    let delay = at.saturating_sub(inner.now()).as_secs_f64() * 1000.0;
    if let Some(f) = &inner.timer_fn {
        let handle = set_timeout(f.as_ref().unchecked_ref(), delay.ceil() + 1.0);
        inner.timer = Some((handle, at));
    }
}
