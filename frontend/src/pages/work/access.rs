//! Who the work pages are for.

use domain::identity::users::CurrentUser;

/// Staff-side roles; client-portal accounts use neither tasks nor the calendar (the API
/// refuses them too).
pub fn staff(user: &CurrentUser) -> bool {
    !user.user.role.is_client_portal()
}
