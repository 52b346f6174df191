// The tables of migrations/, kept by hand in the form `diesel print-schema` writes.

diesel::table! {
    users (id) {
        id -> Int4,
        username -> Text,
        password -> Text,
        email -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        role -> Text,
        client_id -> Nullable<Varchar>,
        creator_id -> Nullable<Varchar>,
        custom_permissions -> Jsonb,
        profile_image_url -> Nullable<Text>,
        is_active -> Bool,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Int4,
        family_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        rotated_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        user_id -> Int4,
        name -> Varchar,
        key_prefix -> Varchar,
        key_hash -> Text,
        scopes -> Array<Text>,
        expires_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> Uuid,
        user_id -> Int4,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Uuid,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        template -> Varchar,
        status -> Varchar,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    activity_logs (id) {
        id -> Uuid,
        user_id -> Nullable<Int4>,
        activity_type -> Varchar,
        description -> Text,
        entity_type -> Nullable<Varchar>,
        entity_id -> Nullable<Varchar>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        metadata -> Nullable<Jsonb>,
        request_id -> Nullable<Varchar>,
        ip -> Nullable<Varchar>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(password_reset_tokens -> users (user_id));
diesel::joinable!(activity_logs -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    api_keys,
    password_reset_tokens,
    email_outbox,
    activity_logs,
);
