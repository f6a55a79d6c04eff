//! Policy identity over `.policy.hcl` files, in one test binary (each
//! binary is linked on its own, which costs CI more than the tests).

mod by_type;
mod ids;
