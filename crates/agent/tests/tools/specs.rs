use domain::Role;

use crate::{registry, search_items};

fn names(role: Role) -> Vec<String> {
    registry().specs_for(role).into_iter().map(|spec| spec.name).collect()
}

#[test]
fn each_role_is_offered_only_the_tools_it_may_use_sorted_by_name() {
    assert_eq!(names(Role::Staff), ["search_items"]);
    assert_eq!(names(Role::Manager), ["search_items", "update_price"]);
    assert_eq!(names(Role::Admin), ["purge_cache", "search_items", "update_price"]);
}

#[test]
fn a_spec_carries_the_tools_description_and_schema() {
    let specs = registry().specs_for(Role::Staff);
    let def = search_items();
    assert_eq!(specs[0].description, def.description);
    assert_eq!(specs[0].parameters, def.parameters);
}
