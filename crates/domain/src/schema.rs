// The tables of migrations/, kept by hand in the form `diesel print-schema` writes (diesel.toml
// points it here). Compiled with the `diesel` feature only, for the row types of this crate.

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
        body_html -> Nullable<Text>,
        message_id -> Nullable<Varchar>,
        updated_at -> Timestamptz,
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

diesel::table! {
    clients (id) {
        id -> Uuid,
        name -> Varchar,
        email -> Nullable<Varchar>,
        phone -> Nullable<Varchar>,
        company -> Nullable<Varchar>,
        website -> Nullable<Varchar>,
        logo_url -> Nullable<Varchar>,
        service_tags -> Array<Text>,
        status -> Varchar,
        assigned_to_id -> Nullable<Int4>,
        notes -> Nullable<Text>,
        social_links -> Jsonb,
        stripe_customer_id -> Nullable<Varchar>,
        stripe_subscription_id -> Nullable<Varchar>,
        display_order -> Int4,
        archived_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    client_documents (id) {
        id -> Uuid,
        client_id -> Uuid,
        name -> Varchar,
        description -> Nullable<Text>,
        object_path -> Varchar,
        file_type -> Nullable<Varchar>,
        file_size -> Nullable<Int4>,
        uploaded_by -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Uuid,
        client_id -> Uuid,
        name -> Varchar,
        #[sql_name = "type"]
        campaign_type -> Varchar,
        status -> Varchar,
        start_date -> Nullable<Timestamptz>,
        end_date -> Nullable<Timestamptz>,
        budget -> Nullable<Int4>,
        description -> Nullable<Text>,
        goals -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    leads (id) {
        id -> Uuid,
        client_id -> Nullable<Uuid>,
        assigned_to_id -> Nullable<Int4>,
        created_by -> Nullable<Int4>,
        name -> Varchar,
        first_name -> Nullable<Varchar>,
        last_name -> Nullable<Varchar>,
        email -> Nullable<Varchar>,
        phone -> Nullable<Varchar>,
        company -> Nullable<Varchar>,
        job_title -> Nullable<Varchar>,
        website -> Nullable<Varchar>,
        stage -> Varchar,
        score -> Varchar,
        ai_score -> Nullable<Int4>,
        status -> Varchar,
        source -> Varchar,
        value -> Nullable<Int4>,
        tags -> Array<Text>,
        social_links -> Jsonb,
        location -> Nullable<Varchar>,
        industry -> Nullable<Varchar>,
        next_follow_up_date -> Nullable<Timestamptz>,
        notes -> Nullable<Text>,
        converted_client_id -> Nullable<Uuid>,
        converted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    lead_activities (id) {
        id -> Uuid,
        lead_id -> Uuid,
        user_id -> Nullable<Int4>,
        #[sql_name = "type"]
        activity_type -> Varchar,
        subject -> Nullable<Varchar>,
        description -> Nullable<Text>,
        metadata -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(password_reset_tokens -> users (user_id));
diesel::joinable!(activity_logs -> users (user_id));
diesel::joinable!(client_documents -> clients (client_id));
diesel::joinable!(campaigns -> clients (client_id));
diesel::joinable!(lead_activities -> leads (lead_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    api_keys,
    password_reset_tokens,
    email_outbox,
    activity_logs,
    clients,
    client_documents,
    campaigns,
    leads,
    lead_activities,
);

diesel::table! {
    task_spaces (id) {
        id -> Uuid,
        name -> Varchar,
        icon -> Varchar,
        color -> Varchar,
        parent_space_id -> Nullable<Uuid>,
        #[sql_name = "order"]
        order_ -> Int4,
        created_by -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    tasks (id) {
        id -> Uuid,
        campaign_id -> Nullable<Uuid>,
        client_id -> Nullable<Uuid>,
        assigned_to_id -> Nullable<Int4>,
        space_id -> Nullable<Uuid>,
        title -> Varchar,
        description -> Nullable<Text>,
        status -> Varchar,
        priority -> Varchar,
        due_date -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
        archived_at -> Nullable<Timestamptz>,
        checklist -> Jsonb,
        estimated_hours -> Int4,
        tags -> Array<Text>,
        task_progress -> Int4,
        start_date -> Nullable<Timestamptz>,
        blocks_completion -> Bool,
        is_recurring -> Bool,
        recurrence_rule -> Nullable<Varchar>,
        recurrence_timezone -> Varchar,
        recurrence_start -> Nullable<Timestamptz>,
        schedule_from -> Varchar,
        series_id -> Nullable<Uuid>,
        instance_date -> Nullable<Date>,
        created_by -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    task_comments (id) {
        id -> Uuid,
        task_id -> Uuid,
        user_id -> Int4,
        comment -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(tasks -> task_spaces (space_id));
diesel::joinable!(task_comments -> tasks (task_id));
diesel::allow_tables_to_appear_in_same_query!(tasks, task_spaces, task_comments);

diesel::table! {
    lead_imports (id) {
        id -> Uuid,
        created_by -> Nullable<Int4>,
        mode -> Varchar,
        status -> Varchar,
        total_rows -> Int8,
        processed_rows -> Int8,
        imported_rows -> Int8,
        skipped_rows -> Int8,
        error_count -> Int8,
        errors -> Jsonb,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        source -> Nullable<Bytea>,
        request_id -> Nullable<Varchar>,
        ip -> Nullable<Varchar>,
    }
}

diesel::table! {
    calendar_events (id) {
        id -> Uuid,
        title -> Varchar,
        description -> Nullable<Text>,
        start -> Timestamptz,
        #[sql_name = "end"]
        end_ -> Timestamptz,
        all_day -> Bool,
        location -> Nullable<Varchar>,
        #[sql_name = "type"]
        event_type -> Varchar,
        attendees -> Jsonb,
        reminders -> Jsonb,
        meet_link -> Nullable<Varchar>,
        is_recurring -> Bool,
        recurrence_rule -> Nullable<Varchar>,
        recurrence_timezone -> Varchar,
        recurrence_ends_at -> Nullable<Timestamptz>,
        origin -> Varchar,
        google_event_id -> Nullable<Varchar>,
        microsoft_event_id -> Nullable<Varchar>,
        created_by -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_feed_tokens (user_id) {
        user_id -> Int4,
        token_hash -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_sync_state (provider) {
        provider -> Varchar,
        sync_token -> Nullable<Text>,
        last_synced_at -> Timestamptz,
    }
}

diesel::table! {
    task_templates (id) {
        id -> Uuid,
        name -> Varchar,
        description -> Nullable<Text>,
        title -> Varchar,
        task_description -> Nullable<Text>,
        status -> Varchar,
        priority -> Varchar,
        due_date_offset -> Nullable<Int4>,
        estimated_hours -> Int4,
        space_id -> Nullable<Uuid>,
        is_recurring -> Bool,
        recurrence_rule -> Nullable<Varchar>,
        recurrence_timezone -> Varchar,
        schedule_from -> Varchar,
        tags -> Array<Text>,
        checklist -> Jsonb,
        created_by -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    email_change_requests (id) {
        id -> Uuid,
        user_id -> Int4,
        new_email -> Text,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    pending_registrations (id) {
        id -> Uuid,
        username -> Text,
        email -> Text,
        password -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        token_hash -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Varchar,
        payload -> Jsonb,
        state -> Varchar,
        unique_key -> Nullable<Varchar>,
        attempts -> Int4,
        max_attempts -> Int4,
        run_at -> Timestamptz,
        locked_by -> Nullable<Varchar>,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    domain_events (id) {
        id -> Int8,
        event_type -> Varchar,
        entity_type -> Varchar,
        entity_id -> Varchar,
        actor_id -> Nullable<Int4>,
        payload -> Nullable<Jsonb>,
        audience -> Varchar,
        client_id -> Nullable<Uuid>,
        user_ids -> Array<Int4>,
        request_id -> Nullable<Varchar>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        url -> Varchar,
        description -> Nullable<Varchar>,
        event_types -> Array<Text>,
        secret -> Varchar,
        active -> Bool,
        created_by -> Int4,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        endpoint_id -> Uuid,
        event_id -> Int8,
        event_type -> Varchar,
        payload -> Jsonb,
        status -> Varchar,
        attempts -> Int4,
        last_status_code -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        last_duration_ms -> Nullable<Int4>,
        next_attempt_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        position -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_delivery_attempts (id) {
        id -> Int8,
        delivery_id -> Int8,
        attempt -> Int4,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
        duration_ms -> Int4,
        attempted_at -> Timestamptz,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_delivery_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_endpoints, webhook_deliveries, webhook_delivery_attempts);

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Int4,
        kind -> Varchar,
        severity -> Varchar,
        title -> Varchar,
        message -> Text,
        action_url -> Nullable<Varchar>,
        dedupe_key -> Nullable<Varchar>,
        in_app -> Bool,
        by_email -> Bool,
        by_push -> Bool,
        read_at -> Nullable<Timestamptz>,
        emailed_at -> Nullable<Timestamptz>,
        pushed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> Int4,
        kind -> Varchar,
        in_app -> Bool,
        email -> Bool,
        push -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> Int8,
        user_id -> Int4,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        user_agent -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}
