//! The NoPass server stand-in's control API: it calls a portal back the way the NoPass server
//! does (register the portal, complete registrations, drive logins, …) and records the
//! portal's own calls (PreRegisterUser, RequestAuthorization).
//!
//! Calls that send a callback answer with the portal's reply: its HTTP status and body.

#![cfg(all(feature = "sandbox", feature = "nopass"))]

use std::ffi::c_char;

use authbridge::sandbox::{CallbackReply, NoPassSim, SimPortal};
use authbridge::{Error, Vendor, VendorDetail};

use crate::args::{handle, opt_out, opt_string, out, string, OwnedString};
use crate::boundary::{ffi_status, FfiResult};
use crate::runtime::block_on;
use crate::sandbox::ab_sandbox;
use crate::status::ab_status;

fn control(sandbox: *const ab_sandbox, body: impl FnOnce(&NoPassSim) -> FfiResult) -> ab_status {
    ffi_status(|| {
        // SAFETY: a live handle or NULL (the callers' contract).
        let sandbox = unsafe { handle(sandbox, "sandbox") }?;
        body(sandbox.inner.nopass())
    })
}

fn missing(what: String) -> Error {
    Error::NotFound(Box::new(VendorDetail::new(Vendor::NoPass).message(what)))
}

fn json_arg(text: &str, field: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::invalid(field, format!("must be JSON ({e})")))
}

/// Writes a portal's reply: status to `*out_http_status_or_null`, body as JSON text to
/// `*out_body_json_or_null` (each skipped when NULL).
fn write_reply(reply: CallbackReply, status: *mut u16, body: *mut *mut c_char) -> FfiResult {
    let body_text = opt_out(body).map(|slot| OwnedString::new(&reply.body.to_string(), "reply").map(|s| (slot, s)));
    let body_text = body_text.transpose()?;
    if let Some(slot) = opt_out(status) {
        slot.write(reply.status);
    }
    if let Some((slot, text)) = body_text {
        slot.write(text.into_raw());
    }
    Ok(())
}

fn write_id(id: &str, out_id: *mut *mut c_char, name: &'static str) -> FfiResult {
    let slot = out(out_id, name)?;
    slot.write(OwnedString::new(id, "id")?.into_raw());
    Ok(())
}

/// Where the portal's callbacks are: `http://host:port`, with the mount path if any (the URL
/// of `ab_portal_server_url`).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_set_portal_url(sandbox: *const ab_sandbox, url: *const c_char) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        sim.set_portal_url(unsafe { string(url, "url") }?);
        Ok(())
    })
}

/// Registers the portal as the NoPass console does (ConfirmPreRegistration with the
/// `admin_id`, then ConfirmRegistration) and writes the new `portalId` to `*out_portal_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_register_portal(
    sandbox: *const ab_sandbox,
    admin_id: *const c_char,
    out_portal_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let admin_id = unsafe { string(admin_id, "admin_id") }?;
        out(out_portal_id, "out_portal_id")?;
        let portal = block_on(sim.register_portal(admin_id))??;
        write_id(&portal.portal_id, out_portal_id, "out_portal_id")
    })
}

/// Takes the portal as registered with this `portalId`, `authToken` and `sCode` without
/// calling it: for a portal registered by callbacks handed to it directly (`ab_portal_handle`)
/// or through a policy the stand-in's own calls do not pass. The stand-in then accepts the
/// portal's calls (PreRegisterUser, RequestAuthorization) with that `authToken`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_set_registration(
    sandbox: *const ab_sandbox,
    portal_id: *const c_char,
    auth_token: *const c_char,
    s_code: *const c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let portal_id = unsafe { string(portal_id, "portal_id") }?.to_string();
        let auth_token = unsafe { string(auth_token, "auth_token") }?.to_string();
        let s_code = unsafe { string(s_code, "s_code") }?.to_string();
        sim.set_registration(SimPortal { portal_id, auth_token, s_code });
        Ok(())
    })
}

/// Makes `user_id` a NoPass user who can log in (as if registered earlier).
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_add_user(sandbox: *const ab_sandbox, user_id: *const c_char) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        sim.add_user(unsafe { string(user_id, "user_id") }?);
        Ok(())
    })
}

/// Whether `user_id` is a NoPass user, written to `*out_exists`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_has_user(
    sandbox: *const ab_sandbox,
    user_id: *const c_char,
    out_exists: *mut bool,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user_id = unsafe { string(user_id, "user_id") }?;
        out(out_exists, "out_exists")?.write(sim.has_user(user_id));
        Ok(())
    })
}

/// The register link of the PreRegisterUser received for `user_id` and not completed yet,
/// written to `*out_register_link`; `AB_STATUS_NOT_FOUND` when there is none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_pre_registration(
    sandbox: *const ab_sandbox,
    user_id: *const c_char,
    out_register_link: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user_id = unsafe { string(user_id, "user_id") }?;
        out(out_register_link, "out_register_link")?;
        let pre =
            sim.pre_registration(user_id).ok_or_else(|| missing(format!("no pre-registration of '{user_id}'")))?;
        write_id(&pre.register_link, out_register_link, "out_register_link")
    })
}

/// The `authId` of the last login RequestAuthorization started for `user_id`, written to
/// `*out_auth_id`; `AB_STATUS_NOT_FOUND` when there is none.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_last_auth_id(
    sandbox: *const ab_sandbox,
    user_id: *const c_char,
    out_auth_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user_id = unsafe { string(user_id, "user_id") }?;
        out(out_auth_id, "out_auth_id")?;
        let id = sim.last_auth_id(user_id).ok_or_else(|| missing(format!("no login of '{user_id}'")))?;
        write_id(&id, out_auth_id, "out_auth_id")
    })
}

/// The user a login's `authId` was issued for, written to `*out_user_id`;
/// `AB_STATUS_NOT_FOUND` when unknown.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_login_user(
    sandbox: *const ab_sandbox,
    auth_id: *const c_char,
    out_user_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let auth_id = unsafe { string(auth_id, "auth_id") }?;
        out(out_user_id, "out_user_id")?;
        let user = sim.login_user(auth_id).ok_or_else(|| missing(format!("no login '{auth_id}'")))?;
        write_id(&user, out_user_id, "out_user_id")
    })
}

/// Completes the registration `user_id` started with PreRegisterUser, as the NoPass app does
/// (ValidateUserRegistration, then ConfirmUserRegistration); writes the new session's
/// `authId` to `*out_auth_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_complete_user_registration(
    sandbox: *const ab_sandbox,
    user_id: *const c_char,
    out_auth_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let user_id = unsafe { string(user_id, "user_id") }?;
        out(out_auth_id, "out_auth_id")?;
        let auth_id = block_on(sim.complete_user_registration(user_id))??;
        write_id(&auth_id, out_auth_id, "out_auth_id")
    })
}

/// A registration the NoPass server starts itself (seed 4): ValidateUserRegistration for
/// `login`, then, if the portal said yes, ConfirmUserRegistration; writes the session's
/// `authId` to `*out_auth_id`.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_register_user_from_server(
    sandbox: *const ab_sandbox,
    login: *const c_char,
    email_or_null: *const c_char,
    out_auth_id: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let login = unsafe { string(login, "login") }?;
        let email = unsafe { opt_string(email_or_null, "email_or_null") }?;
        out(out_auth_id, "out_auth_id")?;
        let auth_id = block_on(sim.register_user_from_server(login, email))??;
        write_id(&auth_id, out_auth_id, "out_auth_id")
    })
}

/// A whole login after RequestAuthorization: `pictures` UpdatePictures, then AuthorizedUser
/// with `authorized`. Fails at the first step the portal refuses.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_drive_login(
    sandbox: *const ab_sandbox,
    auth_id: *const c_char,
    pictures: u32,
    authorized: bool,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: a C string or NULL.
        let auth_id = unsafe { string(auth_id, "auth_id") }?;
        block_on(sim.drive_login(auth_id, pictures, authorized))??;
        Ok(())
    })
}

/// Sends one callback the way the NoPass server does, each answered with the portal's reply
/// (`*out_http_status_or_null`, `*out_body_json_or_null`; free the body with
/// `ab_string_free`). `callback` names it as the seed does: `"UpdatePicture"` (`arg1`:
/// authId), `"AuthorizedUser"` (`arg1`: authId, `arg2`: `"true"`/`"false"`, `arg3`: reason),
/// `"CloseSession"` (authId), `"UpdateUser"` (userId, updates as JSON),
/// `"DeleteUser"` (userId), `"AddUsers"` (users as a JSON array), `"DisableService"` (no
/// arguments); any other name sends `arg1` as the raw JSON body to that callback. Unused
/// arguments may be NULL.
#[no_mangle]
pub unsafe extern "C" fn ab_sandbox_nopass_send(
    sandbox: *const ab_sandbox,
    callback: *const c_char,
    arg1_or_null: *const c_char,
    arg2_or_null: *const c_char,
    arg3_or_null: *const c_char,
    out_http_status_or_null: *mut u16,
    out_body_json_or_null: *mut *mut c_char,
) -> ab_status {
    control(sandbox, |sim| {
        // SAFETY: C strings or NULL.
        let callback = unsafe { string(callback, "callback") }?;
        let arg1 = unsafe { opt_string(arg1_or_null, "arg1_or_null") }?;
        let arg2 = unsafe { opt_string(arg2_or_null, "arg2_or_null") }?;
        let arg3 = unsafe { opt_string(arg3_or_null, "arg3_or_null") }?;
        fn need<'a>(value: Option<&'a str>, callback: &str, what: &str) -> Result<&'a str, Error> {
            value.ok_or_else(|| Error::invalid("arg1_or_null", format!("{callback} needs {what}")))
        }
        let reply = match callback {
            "UpdatePicture" => block_on(sim.update_picture(need(arg1, callback, "an authId")?))??,
            "AuthorizedUser" => {
                let authorized = need(arg2, callback, "\"true\" or \"false\"")? == "true";
                block_on(sim.authorize(need(arg1, callback, "an authId")?, authorized, arg3))??
            }
            "CloseSession" => block_on(sim.close_session(need(arg1, callback, "an authId")?))??,
            "UpdateUser" => {
                let updates = json_arg(need(arg2, callback, "updates as JSON")?, "arg2_or_null")?;
                block_on(sim.update_user(need(arg1, callback, "a userId")?, updates))??
            }
            "DeleteUser" => block_on(sim.delete_user(need(arg1, callback, "a userId")?))??,
            "AddUsers" => block_on(sim.add_users(json_arg(need(arg1, callback, "users as JSON")?, "arg1_or_null")?))??,
            "DisableService" => block_on(sim.disable_service())??,
            other => block_on(sim.send(other, &json_arg(need(arg1, callback, "a JSON body")?, "arg1_or_null")?))??,
        };
        write_reply(reply, out_http_status_or_null, out_body_json_or_null)
    })
}
