package org.socialprescribing.fhirvalidator;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * HAPI FHIR's instance validator over HTTP, for the test suite.
 *
 * <ul>
 *   <li>{@code POST /validate[?profile=<canonical>]}: body a FHIR R4 JSON resource; answers 200 with the
 *       OperationOutcome of the validation (every issue with severity, location and message).
 *   <li>{@code GET /health}: 200 once the definitions are loaded and the validator warmed up.
 * </ul>
 *
 * Definitions: the FHIR R4 core package (StructureDefinitions, CodeSystems, ValueSets from
 * hapi-fhir-validation-resources-r4) plus every CodeSystem, ValueSet and StructureDefinition JSON
 * file found in the directories given as arguments (the pinned Gravity terminology in
 * standards/gravity). Code systems the validator cannot check itself (SNOMED CT, for instance) are
 * reported as HAPI reports them: not as errors unless a binding requires it.
 */
public final class ValidatorServer {
  private final FhirContext ctx = FhirContext.forR4Cached();
  private final FhirValidator validator;
  private final IParser json = ctx.newJsonParser();

  private ValidatorServer(Path[] packages) throws IOException {
    PrePopulatedValidationSupport pinned = new PrePopulatedValidationSupport(ctx);
    int loaded = 0;
    for (Path dir : packages) {
      if (!Files.isDirectory(dir)) throw new IOException("not a directory: " + dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
        for (Path file : files) {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          if (!text.contains("\"resourceType\"")) continue;
          IBaseResource resource = json.parseResource(text);
          if (resource instanceof CodeSystem cs) pinned.addCodeSystem(cs);
          else if (resource instanceof ValueSet vs) pinned.addValueSet(vs);
          else if (resource instanceof StructureDefinition sd) pinned.addStructureDefinition(sd);
          else continue;
          loaded += 1;
        }
      }
    }
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new SnapshotGeneratingValidationSupport(ctx),
            pinned);
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    validator = ctx.newValidator().registerValidatorModule(module);
    System.out.println("[fhir-validator] definitions loaded (pinned resources: " + loaded + ")");
  }

  private String validate(String body, String profile) {
    ValidationOptions options = new ValidationOptions();
    if (profile != null && !profile.isEmpty()) options.addProfile(profile);
    ValidationResult result = validator.validateWithResult(body, options);
    OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
    return json.encodeResourceToString(outcome);
  }

  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) return null;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
    }
    return null;
  }

  private static void answer(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void handleValidate(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        answer(exchange, 405, "text/plain", "POST a FHIR R4 JSON resource\n");
        return;
      }
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      try {
        answer(exchange, 200, "application/fhir+json", validate(body, query(exchange, "profile")));
      } catch (RuntimeException e) {
        // Not parseable as FHIR at all: still an OperationOutcome, with one fatal issue.
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue()
            .setSeverity(OperationOutcome.IssueSeverity.FATAL)
            .setCode(OperationOutcome.IssueType.STRUCTURE)
            .setDiagnostics(String.valueOf(e.getMessage()));
        answer(exchange, 200, "application/fhir+json", json.encodeResourceToString(oo));
      }
    }
  }

  public static void main(String[] args) throws IOException {
    String host = System.getenv().getOrDefault("FHIR_VALIDATOR_HOST", "127.0.0.1");
    int port = Integer.parseInt(System.getenv().getOrDefault("FHIR_VALIDATOR_PORT", "8095"));
    Path[] packages = new Path[args.length];
    for (int i = 0; i < args.length; i += 1) packages[i] = Path.of(args[i]);
    long t0 = System.nanoTime();
    ValidatorServer server = new ValidatorServer(packages);
    // Warm-up: the first validation loads and snapshots the core profiles (several seconds).
    server.validate("{\"resourceType\":\"Patient\",\"active\":true}", null);
    server.validate(
        "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\"}", null);
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
    http.createContext("/validate", server::handleValidate);
    http.createContext(
        "/health",
        exchange -> {
          try (exchange) {
            answer(exchange, 200, "text/plain", "ok\n");
          }
        });
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.start();
    System.out.printf(
        "[fhir-validator] listening on %s:%d (ready in %.1f s)%n",
        host, port, (System.nanoTime() - t0) / 1e9);
  }
}
