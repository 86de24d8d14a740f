package io.countersign.channel.email.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The email channel's configuration ({@code io.countersign.channel.email}); the password comes from the cfg's env. */
@ObjectClassDefinition(name = "Countersign email review channel",
        description = "Review emails over SMTP and the review page their links open")
@interface EmailConfig {

    @AttributeDefinition(description = "SMTP server host")
    String smtpHost() default "localhost";

    @AttributeDefinition(description = "SMTP server port (587 for submission with STARTTLS)")
    int smtpPort() default 587;

    @AttributeDefinition(description = "Upgrade the SMTP connection with STARTTLS when the server offers it"
            + " (mail.smtp.starttls.enable)")
    boolean startTls() default true;

    @AttributeDefinition(description = "Refuse to send unless STARTTLS succeeds (mail.smtp.starttls.required)")
    boolean startTlsRequired() default true;

    @AttributeDefinition(description = "SMTP user name; empty sends without authentication")
    String username() default "";

    /**
     * Property {@code .password}: the leading full stop makes it private to the component, so DS does not copy it
     * into the properties of the services this bundle registers (where any console could list it).
     */
    @AttributeDefinition(name = "SMTP password", type = AttributeType.PASSWORD,
            description = "SMTP password (property .password); set it from the environment in the cfg:"
                    + " .password = ${env:COUNTERSIGN_SMTP_PASSWORD}")
    String _password() default "";

    @AttributeDefinition(description = "Sender address, e.g. Countersign <countersign@example.org>")
    String from() default "countersign@localhost";

    @AttributeDefinition(description = "SMTP connect timeout in milliseconds")
    int connectionTimeoutMillis() default 10_000;

    @AttributeDefinition(description = "SMTP read timeout in milliseconds")
    int readTimeoutMillis() default 30_000;

    @AttributeDefinition(description = "Base URL of Countersign as reviewers reach it; links are"
            + " {publicBaseUrl}/review/{request}/{token}. With https the CSRF cookie is __Host- and Secure")
    String publicBaseUrl() default "http://127.0.0.1:8181";

    @AttributeDefinition(description = "How long a review link stays valid, in minutes; never past the request's"
            + " deadline")
    long tokenTtlMinutes() default 24 * 60;

    @AttributeDefinition(description = "Prefix of every subject line")
    String subjectPrefix() default "[Countersign]";
}
