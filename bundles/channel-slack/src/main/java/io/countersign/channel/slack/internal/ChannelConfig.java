package io.countersign.channel.slack.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The Slack channel's configuration, PID {@value #PID}. Secrets come from the environment, never from git. */
@ObjectClassDefinition(name = "Countersign Slack channel",
        description = "Slack app credentials, the workspace and app clicks are accepted from, and Slack's endpoints")
public @interface ChannelConfig {

    String PID = "io.countersign.channel.slack";

    @AttributeDefinition(description = "Slack Web API base URL (methods are appended, e.g. chat.postMessage)")
    String apiBaseUrl() default "https://slack.com/api/";

    /**
     * Property {@code .botToken}. The leading dot keeps it private to the component: configuration properties are
     * otherwise copied into the service properties, where anyone listing services could read them.
     */
    @AttributeDefinition(name = "Bot token", type = AttributeType.PASSWORD, description = "Bot token (xoxb-…) for "
            + "chat.postMessage and chat.update; set it from the environment (${env:...}), never in a versioned file")
    String _botToken() default "";

    /** Property {@code .signingSecret}, private to the component like {@link #_botToken()}. */
    @AttributeDefinition(name = "Signing secret", type = AttributeType.PASSWORD, description = "The Slack app's "
            + "signing secret, which verifies interactivity callbacks; set it from the environment (${env:...})")
    String _signingSecret() default "";

    @AttributeDefinition(description = "Slack team (workspace) ids whose clicks are accepted; comma-separated")
    String[] teamIds() default {};

    @AttributeDefinition(description = "Slack app ids (api_app_id) whose clicks are accepted; comma-separated")
    String[] appIds() default {};

    @AttributeDefinition(description = "Post every notification to this channel id instead of a direct message to "
            + "each reviewer; empty for direct messages", required = false)
    String channel() default "";

    @AttributeDefinition(description = "Only response_url values starting with this are answered")
    String responseUrlPrefix() default "https://hooks.slack.com/";

    @AttributeDefinition(description = "Largest interactivity callback body accepted, in bytes")
    int maxBodyBytes() default 65_536;

    @AttributeDefinition(description = "Timeout of each call to Slack, in milliseconds")
    int timeoutMillis() default 10_000;
}
