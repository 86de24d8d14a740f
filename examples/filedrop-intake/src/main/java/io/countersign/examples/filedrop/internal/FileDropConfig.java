package io.countersign.examples.filedrop.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The file-drop connector's configuration ({@code etc/io.countersign.example.filedrop.cfg}). */
@ObjectClassDefinition(name = "Countersign example: file-drop intake",
        description = "Requests and reviews dropped as JSON files into a folder, answers written back as files")
@interface FileDropConfig {

    @AttributeDefinition(description = "The drop folder; empty means filedrop/ in the installation's data directory")
    String directory() default "";

    @AttributeDefinition(description = "How often the inboxes are read, in milliseconds")
    long pollMillis() default 500;
}
