package io.countersign.channel.email.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * The channel's configuration, checked once.
 *
 * @param password never logged; {@link #toString()} leaves it out
 */
record EmailSettings(String smtpHost, int smtpPort, boolean startTls, boolean startTlsRequired, String username,
                     String password, InternetAddress from, Duration connectionTimeout, Duration readTimeout,
                     URI publicBaseUrl, Duration tokenTtl, String subjectPrefix) {

    EmailSettings {
        Objects.requireNonNull(smtpHost, "smtpHost");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (smtpHost.isBlank() || smtpPort < 1 || smtpPort > 65535) {
            throw new IllegalArgumentException("smtpHost and smtpPort must name an SMTP server");
        }
        if (!"https".equals(publicBaseUrl.getScheme()) && !"http".equals(publicBaseUrl.getScheme())
                || publicBaseUrl.getHost() == null || publicBaseUrl.getRawQuery() != null
                || publicBaseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("publicBaseUrl must be an http(s) URL without query or fragment: "
                    + publicBaseUrl);
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("tokenTtlMinutes must be positive");
        }
        username = username == null ? "" : username.trim();
        password = password == null ? "" : password;
        subjectPrefix = subjectPrefix == null ? "" : subjectPrefix.strip();
        String path = publicBaseUrl.getRawPath() == null ? "" : publicBaseUrl.getRawPath();
        publicBaseUrl = URI.create(publicBaseUrl.getScheme() + "://" + publicBaseUrl.getRawAuthority()
                + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    }

    static EmailSettings from(EmailConfig config) {
        try {
            return new EmailSettings(config.smtpHost().trim(), config.smtpPort(), config.startTls(),
                    config.startTlsRequired(), config.username(), config._password(),
                    new InternetAddress(config.from().trim(), true),
                    Duration.ofMillis(config.connectionTimeoutMillis()), Duration.ofMillis(config.readTimeoutMillis()),
                    URI.create(config.publicBaseUrl().trim()), Duration.ofMinutes(config.tokenTtlMinutes()),
                    config.subjectPrefix());
        } catch (AddressException e) {
            throw new IllegalArgumentException("from is not a valid address: " + e.getMessage(), e);
        }
    }

    /** Links and cookies are for a browser over https: the CSRF cookie can then be {@code __Host-} and Secure. */
    boolean secureLinks() {
        return "https".equals(publicBaseUrl.getScheme());
    }

    /**
     * {@code scheme://host[:port]} of the review page, as browsers send it in {@code Origin}: without the scheme's
     * default port, which browsers never send.
     */
    String origin() {
        String scheme = publicBaseUrl.getScheme().toLowerCase(Locale.ROOT);
        int port = publicBaseUrl.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
                || (scheme.equals("http") && port == 80);
        return scheme + "://" + publicBaseUrl.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    boolean authenticates() {
        return !username.isEmpty();
    }

    /** Jakarta Mail properties on top of what camel-mail sets from host, port, user and timeout. */
    Properties javaMailProperties() {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls || startTlsRequired));
        properties.setProperty("mail.smtp.starttls.required", Boolean.toString(startTlsRequired));
        properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        properties.setProperty("mail.smtp.connectiontimeout", Long.toString(connectionTimeout.toMillis()));
        properties.setProperty("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
        return properties;
    }

    @Override
    public String toString() {
        return "EmailSettings[smtp=" + smtpHost + ":" + smtpPort + ", startTls=" + startTls + ", startTlsRequired="
                + startTlsRequired + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                + ", from=" + from + ", publicBaseUrl=" + publicBaseUrl + ", tokenTtl=" + tokenTtl + "]";
    }
}
