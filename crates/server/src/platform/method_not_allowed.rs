//! Tells 404 from 405: actix registers each route macro as its own resource, so a known
//! path with the wrong method would fall through to "not found". The fallback handler
//! checks the documented path templates instead and answers 405 with `Allow`.

use std::collections::BTreeSet;

pub struct RouteTable {
    routes: Vec<(Vec<Segment>, BTreeSet<String>)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { Segment::Param } else { Segment::Literal(s.to_owned()) })
        .collect()
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = serde_json::to_value(item)
                    .ok()
                    .and_then(|v| v.as_object().cloned())
                    .map(|fields| {
                        fields
                            .keys()
                            .filter(|k| {
                                matches!(k.as_str(), "get" | "put" | "post" | "delete" | "patch" | "head" | "options")
                            })
                            .map(|k| k.to_ascii_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                (segments(template), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods a documented path accepts; empty when no route has this path.
    pub fn allowed_methods(&self, path: &str) -> BTreeSet<String> {
        // `/api/leads/export` is its own resource, not a lead id of `/api/leads/{leadId}`.
        if let Some(methods) = self.literal_route_methods(path) {
            return methods.clone();
        }
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed = BTreeSet::new();
        for (template, methods) in &self.routes {
            let matches = template.len() == parts.len()
                && template.iter().zip(&parts).all(|(segment, part)| match segment {
                    Segment::Literal(literal) => literal == part,
                    Segment::Param => !part.is_empty(),
                });
            if matches {
                allowed.extend(methods.iter().cloned());
            }
        }
        allowed
    }

    /// The methods of a documented path without parameters that is exactly `path`
    /// (`/api/leads/export`), or `None`. Such a path is what the caller meant even when a
    /// parameterised route (`/api/leads/{leadId}`) took the request for another method.
    pub fn literal_route_methods(&self, path: &str) -> Option<&BTreeSet<String>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes.iter().find_map(|(template, methods)| {
            let literal = template.len() == parts.len()
                && template.iter().zip(&parts).all(|(segment, part)| *segment == Segment::Literal((*part).to_owned()));
            literal.then_some(methods)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_report_their_methods() {
        let table = RouteTable::from_openapi(&crate::openapi::document());
        let users: Vec<_> = table.allowed_methods("/api/users").into_iter().collect();
        assert_eq!(users, ["GET", "POST"]);
        let one: Vec<_> = table.allowed_methods("/api/users/7").into_iter().collect();
        assert_eq!(one, ["DELETE", "GET", "PATCH"]);
        assert!(table.allowed_methods("/api/nothing").is_empty());
        assert!(table.allowed_methods("/api/users/7/unknown").is_empty());
    }

    #[test]
    fn literal_paths_are_told_from_parameters() {
        let table = RouteTable::from_openapi(&crate::openapi::document());
        let export: Vec<_> = table.literal_route_methods("/api/leads/export").into_iter().flatten().collect();
        assert_eq!(export, ["GET"]);
        assert!(table.literal_route_methods("/api/leads/7").is_none());
        let allowed: Vec<_> = table.allowed_methods("/api/leads/export").into_iter().collect();
        assert_eq!(allowed, ["GET"], "the lead routes' methods are not the export's");
    }
}
