package io.countersign.channel.email.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Sends the composed message through camel-mail's SMTP producer and leaves the reference to journal as the body.
 * <p>
 * The producer is called from here rather than with {@code .to(smtp)} so that its failures are turned into the
 * channel's exceptions at this step: the host's error handler then redelivers this step, that is the send itself.
 * The endpoint is built in code and never registered: the password is set on its configuration and appears in no
 * endpoint URI.
 */
final class SmtpDelivery extends ServiceSupport implements Processor {

    private final MailEndpoint endpoint;
    private Producer producer;

    SmtpDelivery(CamelContext context, EmailSettings settings) {
        MailConfiguration configuration = new MailConfiguration(context);
        configuration.configureProtocol("smtp");
        configuration.setHost(settings.smtpHost());
        configuration.setPort(settings.smtpPort());
        if (settings.authenticates()) {
            configuration.setUsername(settings.username());
            configuration.setPassword(settings.password());
        }
        configuration.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectionTimeout().toMillis()));
        configuration.setAdditionalJavaMailProperties(settings.javaMailProperties());
        configuration.setFrom(settings.from().toString());
        MailComponent component = context.getComponent("smtp", MailComponent.class);
        this.endpoint = new MailEndpoint("smtp://" + settings.smtpHost() + ":" + settings.smtpPort(), component,
                configuration);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!(exchange.getIn().getBody() instanceof MimeMessage)) {
            return; // nothing to send: the composer left the reference as the body
        }
        producer().process(exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            throw SmtpFailures.classify(failure);
        }
        ObjectNode reference = exchange.getProperty(ReviewMailComposer.REFERENCE, ObjectNode.class);
        String field = exchange.getProperty(ReviewMailComposer.MESSAGE_ID_FIELD, String.class);
        String messageId = exchange.getIn().getHeader(MailConstants.MAIL_MESSAGE_ID, String.class);
        reference.put(field, messageId);
        exchange.removeProperty(ReviewMailComposer.REFERENCE);
        exchange.removeProperty(ReviewMailComposer.MESSAGE_ID_FIELD);
        exchange.getIn().removeHeader(MailConstants.MAIL_MESSAGE_ID);
        exchange.getIn().setBody(reference);
    }

    private synchronized Producer producer() throws Exception {
        if (producer == null) {
            ServiceHelper.startService(endpoint);
            Producer created = endpoint.createProducer();
            ServiceHelper.startService(created);
            producer = created;
        }
        return producer;
    }

    @Override
    protected synchronized void doStop() {
        ServiceHelper.stopService(producer, endpoint);
        producer = null;
    }
}
