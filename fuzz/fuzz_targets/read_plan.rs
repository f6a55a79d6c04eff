//! Any bytes through decoding, parsing, validation, rendering and the
//! reference resolver: never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfgate_plan::Plan;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = Plan::decode(data) else { return };
    let Ok(plan) = Plan::parse(&text) else { return };
    let _ = plan.validate();
    for r in &plan.resources {
        if let Ok(v) = r.after() {
            let _ = tfgate_plan::render_resource("resource", r.resource_type(), r.name(), &v);
            let _ = v.to_redacted_json();
        }
        let _ = plan.referenced_instances(r, &["launch_template", "id"]);
        let _ = plan.provider_config(r);
    }
    let _ = plan.prior_state();
});
