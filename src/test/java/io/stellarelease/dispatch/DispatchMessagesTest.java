package io.stellarelease.dispatch;

import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.RollbackTag;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "Run workflow" forms as messages, with the shipped configuration. */
class DispatchMessagesTest {
    private static final ReleaseConfig CONFIG = ConfigLoader.load(Path.of("config/release.yaml"));
    private static final String MODULES = "Authority, Signer, Attestor, Concelier, Scanner, Excititor, Policy, Scheduler, Notify";
    private final DispatchMessages messages = new DispatchMessages(CONFIG);

    private DispatchRequest parse(String body, String hint) {
        return messages.parse(body.getBytes(StandardCharsets.UTF_8), hint);
    }

    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    // ---- accepted messages ----

    @Test
    void readsAJsonSuiteMessage() {
        DispatchRequest r = parse(json("{'kind': 'suite', 'version': '2026.04', 'codename': 'Nova', 'channel': 'lts',"
                + " 'skipTests': false, 'dryRun': false}"), "application/json");
        assertThat(r).isEqualTo(new SuiteDispatch("2026.04", "Nova", "lts", false, false));
        assertThat(r.kind()).isEqualTo("suite");
        assertThat(r.tag()).isEqualTo("suite-2026.04-nova-lts");
        assertThat(r.dryRun()).isFalse();
    }

    @Test
    void readsAYamlSuiteMessage() {
        DispatchRequest r = parse("""
                # the suite release form
                kind: suite
                version: "2026.10"
                codename: Orion
                channel: stable
                skipTests: true
                dryRun: true
                """, "release.yaml");
        assertThat(r).isEqualTo(new SuiteDispatch("2026.10", "Orion", "stable", true, true));
        assertThat(r.tag()).isEqualTo("suite-2026.10-orion-stable");
    }

    @Test
    void readsAJsonModuleMessage() {
        DispatchRequest r = parse(json("{'kind': 'module', 'module': 'Authority', 'version': '1.2.3',"
                + " 'publishNuget': true, 'publishContainer': false, 'dryRun': true}"), "m.json");
        assertThat(r).isEqualTo(new ModuleDispatch("Authority", "1.2.3", true, false, true));
        assertThat(r.kind()).isEqualTo("module");
        assertThat(r.tag()).isEqualTo("module-authority-v1.2.3");
    }

    @Test
    void readsAYamlModuleMessage() {
        DispatchRequest r = parse("""
                kind: module
                module: Scanner
                version: 2.0.0-rc.1
                publishNuget: false
                publishContainer: true
                dryRun: false
                """, "text/yaml");
        assertThat(r).isEqualTo(new ModuleDispatch("Scanner", "2.0.0-rc.1", false, true, false));
        assertThat(r.tag()).isEqualTo("module-scanner-v2.0.0-rc.1");
    }

    @Test
    void readsADatabaseRollbackMessage() {
        assertThat(parse(json("{'kind': 'rollback', 'target': 'suite', 'mode': 'database', 'version': '2026.04'}"), null))
                .isEqualTo(new RollbackDispatch("suite", null, "2026.04", "database", null, false));
    }

    @Test
    void kindIsInferredFromTheModuleField() {
        assertThat(parse(json("{'module': 'Signer', 'version': '0.9.1'}"), null))
                .isEqualTo(new ModuleDispatch("Signer", "0.9.1", true, true, false));
        assertThat(parse("version: '2026.04'\ncodename: Nova\n", null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", false, false));
    }

    @Test
    void leftOutFieldsTakeTheFormDefaults() {
        SuiteDispatch suite = (SuiteDispatch) parse(json("{'version': '2026.04', 'codename': 'Nova'}"), null);
        assertThat(suite.channel()).isEqualTo("edge");
        assertThat(suite.skipTests()).isFalse();
        assertThat(suite.dryRun()).isFalse();
        ModuleDispatch module = (ModuleDispatch) parse(json("{'kind': 'module', 'module': 'Policy', 'version': '3.0.0'}"), null);
        assertThat(module.publishNuget()).isTrue();
        assertThat(module.publishContainer()).isTrue();
        assertThat(module.dryRun()).isFalse();
        // null and blank text fields count as left out
        assertThat(parse(json("{'version': '2026.04', 'codename': 'Nova', 'channel': null}"), null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", false, false));
        assertThat(parse("version: '2026.04'\ncodename: Nova\nchannel: ''\nkind:\n", null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", false, false));
    }

    @Test
    void booleansMayBeTheStringsAFormSends() {
        assertThat(parse(json("{'version': '2026.04', 'codename': 'Nova', 'skipTests': 'true', 'dryRun': 'false'}"), null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", true, false));
        assertThat(parse(json("{'module': 'Notify', 'version': '1.0.0', 'publishNuget': 'false', 'publishContainer': 'true', 'dryRun': 'true'}"), null))
                .isEqualTo(new ModuleDispatch("Notify", "1.0.0", false, true, true));
        assertThat(parse("version: '2026.04'\ncodename: Nova\nskipTests: 'true'\ndryRun: True\n", "x.yml"))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", true, true));
    }

    @Test
    void namesAreNormalisedToTheirConfiguredSpelling() {
        assertThat(parse(json("{'version': '2026.04', 'codename': 'NOVA', 'channel': 'LTS'}"), null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "lts", false, false));
        assertThat(parse(json("{'module': 'authority', 'version': '1.2.3'}"), null))
                .isEqualTo(new ModuleDispatch("Authority", "1.2.3", true, true, false));
        assertThat(parse(json("{'module': 'AUTHORITY', 'version': '1.2.3'}"), null).tag())
                .isEqualTo("module-authority-v1.2.3");
    }

    @Test
    void hotfixesTakeTheRegisteredCodename() {
        DispatchRequest withoutCodename = parse(json("{'version': '2026.04.1'}"), null);
        assertThat(withoutCodename).isEqualTo(new SuiteDispatch("2026.04.1", "Nova", "edge", false, false));
        assertThat(withoutCodename.tag()).isEqualTo("suite-2026.04.1-nova");
        assertThat(parse(json("{'version': '2026.04.2', 'codename': 'nova', 'channel': 'lts'}"), null))
                .isEqualTo(new SuiteDispatch("2026.04.2", "Nova", "lts", false, false));
    }

    @ParameterizedTest
    @CsvSource({
            "version: 2026.04,   2026.04, Nova,  suite-2026.04-nova",
            "version: 2026.10,   2026.10, Orion, suite-2026.10-orion",
            "version: 2026.04.1, 2026.04.1, Nova, suite-2026.04.1-nova",
    })
    void unquotedYamlVersionsKeepTheirWrittenText(String versionLine, String version, String codename, String tag) {
        DispatchRequest r = parse(versionLine + "\ncodename: " + codename + "\n", "x.yaml");
        assertThat(r).isEqualTo(new SuiteDispatch(version, codename, "edge", false, false));
        assertThat(r.tag()).isEqualTo(tag);
    }

    @Test
    void jsonNumberVersionsKeepTheirWrittenText() {
        assertThat(parse("{\"version\": 2026.10, \"codename\": \"Orion\"}", null))
                .isEqualTo(new SuiteDispatch("2026.10", "Orion", "edge", false, false));
    }

    @Test
    void aVersionWrittenWithoutItsTrailingZeroIsNotGuessed() {
        assertThatThrownBy(() -> parse("version: 2026.1\ncodename: Orion\n", "x.yaml"))
                .isInstanceOf(DispatchException.class)
                .hasMessage("dispatch suite 2026.1: suite version must be YYYY.MM or YYYY.MM.N: got '2026.1'");
    }

    @ParameterizedTest
    @CsvSource({
            "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "queue/msg-1.json", "X.JSON",
    })
    void jsonHints(String hint) {
        assertThat(parse(json("{'version': '2026.04', 'codename': 'Nova'}"), hint)).isInstanceOf(SuiteDispatch.class);
        assertThat(MessageReader.formatOf(hint, new byte[] {'a'})).isEqualTo(MessageReader.Format.JSON);
    }

    @ParameterizedTest
    @CsvSource({
            "application/yaml", "application/x-yaml", "text/yaml", "text/yaml;charset=UTF-8", "msg.yaml", "msg.yml",
    })
    void yamlHints(String hint) {
        assertThat(parse("version: '2026.04'\ncodename: Nova\n", hint)).isInstanceOf(SuiteDispatch.class);
        assertThat(MessageReader.formatOf(hint, new byte[] {'{'})).isEqualTo(MessageReader.Format.YAML);
    }

    @Test
    void withoutAHintTheFirstNonBlankCharacterDecides() {
        assertThat(MessageReader.formatOf(null, " \r\n\t{\"a\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(MessageReader.Format.JSON);
        assertThat(MessageReader.formatOf(" ", "\uFEFF{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(MessageReader.Format.JSON);
        assertThat(MessageReader.formatOf(null, "\nversion: x".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(MessageReader.Format.YAML);
        // YAML flow style is YAML, but starts with '{': read as JSON, and JSON says what is wrong
        assertThatThrownBy(() -> parse("{version: '2026.04'}", null))
                .hasMessageStartingWith("dispatch message: malformed JSON at line 1, column 2: Unexpected character ('v'");
        assertThat(parse("{version: '2026.04', codename: Nova}", "x.yaml")).isInstanceOf(SuiteDispatch.class);
    }

    // ---- tags ----

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "2026.04,   Nova,  edge,   suite-2026.04-nova",
            "2026.04,   Nova,  null,   suite-2026.04-nova",
            "2026.10,   Orion, stable, suite-2026.10-orion-stable",
            "2026.04,   NOVA,  lts,    suite-2026.04-nova-lts",
            "2026.04.1, Nova,  edge,   suite-2026.04.1-nova",
            "2026.04.1, null,  edge,   suite-2026.04.1",
            "2026.04.3, nova,  lts,    suite-2026.04.3-nova-lts",
    })
    void suiteTags(String version, String codename, String channel, String tag) {
        assertThat(new SuiteDispatch(version, codename, channel, false, false).tag()).isEqualTo(tag);
    }

    @Test
    void moduleTags() {
        assertThat(new ModuleDispatch("Authority", "1.2.3", true, true, false).tag()).isEqualTo("module-authority-v1.2.3");
        assertThat(new ModuleDispatch("Excititor", "0.1.0-beta.2", true, true, false).tag()).isEqualTo("module-excititor-v0.1.0-beta.2");
    }

    @Test
    void everyParsedSuiteTagIsOneTheTagParserAccepts() {
        SuiteDispatch r = (SuiteDispatch) parse(json("{'version': '2026.04.2', 'channel': 'lts'}"), null);
        var tag = new io.stellarelease.rules.SuiteTagParser(CONFIG).parse(r.tag());
        assertThat(List.of(tag.version(), tag.codename(), tag.channel())).containsExactly(r.version(), r.codename(), r.channel());
    }

    // ---- writing ----

    @Test
    void writesJsonThatReadsBackTheSame() {
        List<DispatchRequest> requests = List.of(
                parse(json("{'version': '2026.04', 'codename': 'nova', 'channel': 'lts', 'dryRun': true}"), null),
                parse("version: 2026.10\ncodename: Orion\nchannel: stable\nskipTests: 'true'\n", null),
                parse(json("{'version': '2026.04.1'}"), null),
                parse(json("{'module': 'authority', 'version': '1.2.3-rc.1', 'publishContainer': false}"), null),
                parse("module: Notify\nversion: 10.20.30+build.7\npublishNuget: false\ndryRun: true\n", null));
        for (DispatchRequest r : requests) {
            byte[] written = messages.write(r);
            assertThat(messages.parse(written, null)).isEqualTo(r);
            assertThat(messages.parse(written, "application/json")).isEqualTo(r);
        }
    }

    @Test
    void writesEveryFieldUnderItsFormName() {
        assertThat(new String(messages.write(new SuiteDispatch("2026.04", "Nova", "lts", true, false)), StandardCharsets.UTF_8))
                .isEqualTo(json("{'kind':'suite','version':'2026.04','codename':'Nova','channel':'lts','skipTests':true,'dryRun':false}"));
        assertThat(new String(messages.write(new ModuleDispatch("Authority", "1.2.3", true, false, true)), StandardCharsets.UTF_8))
                .isEqualTo(json("{'kind':'module','module':'Authority','version':'1.2.3','publishNuget':true,'publishContainer':false,'dryRun':true}"));
    }

    // ---- rejections: release rules ----

    static Stream<Arguments> releaseRuleRejections() {
        return Stream.of(
                // the examples: month, codename, lts month, as for tags
                row("{'version': '2026.05', 'codename': 'Nova'}", "dispatch suite 2026.05: suite month must be 04 or 10: got 05"),
                row("{'version': '2026.04', 'codename': 'Orion'}", "dispatch suite 2026.04: codename for 2026.04 must be Nova: got 'Orion'"),
                row("{'version': '2026.10', 'codename': 'Orion', 'channel': 'lts'}", "dispatch suite 2026.10: lts releases are made in month 04 only: got 10"),
                row("{'version': '2031.04', 'codename': 'Zeta'}", "dispatch suite 2031.04: no codename is registered for suite 2031.04 (add it to codenames in the release configuration)"),
                row("{'version': '2026.04.0'}", "dispatch suite 2026.04.0: hotfix number must be 1 or more without leading zeros: got '0'"),
                row("{'version': '2026.04.1', 'codename': 'Orion'}", "dispatch suite 2026.04.1: codename for 2026.04 must be Nova: got 'Orion'"),
                row("{'version': '2026.4', 'codename': 'Nova'}", "dispatch suite 2026.4: suite version must be YYYY.MM or YYYY.MM.N: got '2026.4'"),
                // the codename is required unless the version is a hotfix
                row("{'version': '2026.04'}", "dispatch suite 2026.04: codename is required for suite 2026.04: expected Nova"),
                row("{'version': '2026.10', 'channel': 'stable'}", "dispatch suite 2026.10: codename is required for suite 2026.10: expected Orion"),
                row("{'version': '2026.05'}", "dispatch suite 2026.05: suite month must be 04 or 10: got 05"),
                row("{'version': '2026.10', 'channel': 'lts'}", "dispatch suite 2026.10: lts releases are made in month 04 only: got 10"),
                // no field can add parts to the tag
                row("{'version': '2026.04', 'codename': 'nova-lts'}", "dispatch suite 2026.04: codename must be a single word of letters: got 'nova-lts'"),
                row("{'version': '2026.04-nova-lts'}", "dispatch suite 2026.04-nova-lts: suite version must be YYYY.MM or YYYY.MM.N: got '2026.04-nova-lts'"),
                row("{'version': '2026.04', 'codename': 'lts'}", "dispatch suite 2026.04: codename for 2026.04 must be Nova: got 'lts'"),
                row("{'version': '2026.04.1', 'codename': 'Stable'}", "dispatch suite 2026.04.1: codename for 2026.04 must be Nova: got 'Stable'"),
                row("{'version': '2026.04', 'codename': 'edge'}", "dispatch suite 2026.04: codename for 2026.04 must be Nova: got 'edge'"),
                // modules
                row("{'module': 'Authorty', 'version': '1.2.3'}", "dispatch module Authorty 1.2.3: module must be one of " + MODULES + ": got 'Authorty'"),
                row("{'module': 'Authority', 'version': '1.2'}", "dispatch module Authority 1.2: version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '1.2'"),
                row("{'module': 'authority', 'version': 'v1.2.3'}", "dispatch module Authority v1.2.3: version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got 'v1.2.3'"),
                row("{'module': 'Signer', 'version': '01.2.3'}", "dispatch module Signer 01.2.3: version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '01.2.3'"),
                row("{'module': 'Signer', 'version': '1.2.3-'}", "dispatch module Signer 1.2.3-: version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '1.2.3-'"));
    }

    @ParameterizedTest
    @MethodSource("releaseRuleRejections")
    void rejectsMessagesThatBreakAReleaseRule(String body, String message) {
        assertRejected(json(body), message);
    }

    // ---- rejections: the message itself ----

    static Stream<Arguments> messageRejections() {
        return Stream.of(
                row("{'version': '2026.04', 'codename': 'Nova', 'skiptests': true}", "dispatch message: unknown field 'skiptests' (fields: kind, version, codename, channel, skipTests, dryRun)"),
                row("{'module': 'Authority', 'version': '1.2.3', 'channel': 'lts'}", "dispatch message: unknown field 'channel' (fields: kind, module, version, publishNuget, publishContainer, dryRun)"),
                row("{'kind': 'suite', 'module': 'Authority', 'version': '2026.04'}", "dispatch message: unknown field 'module' (fields: kind, version, codename, channel, skipTests, dryRun)"),
                row("{'version': '2026.04', 'codename': 'Nova', 'channel': 'beta'}", "dispatch message: channel must be one of edge, stable, lts: got 'beta'"),
                row("{'kind': 'release', 'version': '2026.04'}", "dispatch message: kind must be suite, module or rollback: got 'release'"),
                row("{'kind': 'Suite', 'version': '2026.04'}", "dispatch message: kind must be suite, module or rollback: got 'Suite'"),
                row("{'codename': 'Nova'}", "dispatch message: version is required, e.g. \"2026.04\""),
                row("{'version': '', 'codename': 'Nova'}", "dispatch message: version is required, e.g. \"2026.04\""),
                row("{'kind': 'module', 'version': '1.2.3'}", "dispatch message: module is required: one of " + MODULES),
                row("{'module': 'Authority'}", "dispatch message: version is required, e.g. \"1.2.3\""),
                row("{'version': '2026.04', 'codename': 'Nova', 'dryRun': 'yes'}", "dispatch message: dryRun must be true or false: got 'yes'"),
                row("{'version': '2026.04', 'codename': 'Nova', 'dryRun': 'TRUE'}", "dispatch message: dryRun must be true or false: got 'TRUE'"),
                row("{'version': '2026.04', 'codename': 'Nova', 'dryRun': 1}", "dispatch message: dryRun must be true or false: got 1"),
                row("{'version': '2026.04', 'codename': 'Nova', 'dryRun': null}", "dispatch message: dryRun must be true or false: got null"),
                row("{'version': '2026.04', 'codename': 'Nova', 'skipTests': ''}", "dispatch message: skipTests must be true or false: got ''"),
                row("{'module': 'Scanner', 'version': '1.0.0', 'publishNuget': []}", "dispatch message: publishNuget must be true or false: got a list"),
                row("{'version': {'major': 2026}, 'codename': 'Nova'}", "dispatch message: version must be a string: got an object"),
                row("{'version': ['2026.04'], 'codename': 'Nova'}", "dispatch message: version must be a string: got a list"),
                row("{'version': '2026.04', 'version': '2026.10'}", "dispatch message: duplicate field 'version'"),
                row("['2026.04', 'Nova']", "dispatch message: YAML message must be a mapping of fields: got a list"),
                row("'suite-2026.04-nova'", "dispatch message: YAML message must be a mapping of fields: got 'suite-2026.04-nova'"),
                row("{'version': '2026.04'} {'version': '2026.10'}", "dispatch message: unexpected content after the JSON object at line 1, column 24"),
                row("{'version': '2026.04', 'codename': 'Nova',}", "dispatch message: malformed JSON at line 1, column 43: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"),
                row("{'version': '2026.04'", "dispatch message: malformed JSON at line 1, column 22: Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 1)"));
    }

    @ParameterizedTest
    @MethodSource("messageRejections")
    void rejectsMalformedMessages(String body, String message) {
        assertRejected(json(body), message);
    }

    static Stream<Arguments> yamlRejections() {
        return Stream.of(
                row("version: '2026.04'\ncodename: Nova\nskiptests: true\n", "dispatch message: unknown field 'skiptests' (fields: kind, version, codename, channel, skipTests, dryRun)"),
                row("version: '2026.04'\ncodename: Nova\ndryRun: yes\n", "dispatch message: dryRun must be true or false: got yes"),
                row("version: '2026.04'\ncodename: Nova\ndryRun:\n", "dispatch message: dryRun must be true or false: got null"),
                row("version: '2026.04'\ncodename: Nova\ndryRun: 0\n", "dispatch message: dryRun must be true or false: got 0"),
                row("version: '2026.04'\nversion: '2026.10'\n", "dispatch message: duplicate field 'version'"),
                row("- version: '2026.04'\n", "dispatch message: YAML message must be a mapping of fields: got a list"),
                row("---\n", "dispatch message: YAML message must be a mapping of fields: got null"),
                row("# nothing but a comment\n", "dispatch message: YAML message has no content"),
                row("version: '2026.04'\ncodename: Nova\n---\nversion: '2026.10'\n", "dispatch message: YAML message must be a single document: another one starts at line 4"),
                row("name: &v Nova\nversion: '2026.04'\ncodename: *v\n", "dispatch message: YAML aliases are not allowed: got *v (field 'codename')"),
                row("version: &v '2026.04'\ncodename: *v\n", "dispatch message: YAML aliases are not allowed: got *v (field 'codename')"),
                row("version: !!java.net.URL ['http://x']\n", "dispatch message: YAML tags are not allowed: got '!!java.net.URL' (field 'version')"),
                row("!!javax.script.ScriptEngineManager [x]\n", "dispatch message: YAML tags are not allowed: got '!!javax.script.ScriptEngineManager'"),
                row("version: !local 2026.04\n", "dispatch message: YAML tags are not allowed: got '!local' (field 'version')"),
                row("version: '2026.04'\ncodename: [Nova\n", "dispatch message: malformed YAML at line 3, column 1: while parsing a flow sequence: expected ',' or ']', but got <stream end>"),
                row("version: '2026.04\n", "dispatch message: malformed YAML at line 2, column 1: while scanning a quoted scalar: found unexpected end of stream"),
                row("version: '2026.04'\n codename: Nova\n", "dispatch message: malformed YAML at line 2, column 2: while parsing a block mapping: expected <block end>, but found '<block mapping start>'"));
    }

    @ParameterizedTest
    @MethodSource("yamlRejections")
    void rejectsMalformedYaml(String body, String message) {
        assertRejected(body, message);
    }

    @Test
    void aJsonArrayNamedAsJsonIsNotAnObject() {
        assertThatThrownBy(() -> parse("[\"2026.04\", \"Nova\"]", "application/json"))
                .hasMessage("dispatch message: JSON message must be an object of fields: got a list");
        assertThatThrownBy(() -> parse("\"suite-2026.04-nova\"", "x.json"))
                .hasMessage("dispatch message: JSON message must be an object of fields: got 'suite-2026.04-nova'");
        assertThatThrownBy(() -> parse("42", "x.json"))
                .hasMessage("dispatch message: JSON message must be an object of fields: got 42");
    }

    @Test
    void aYamlAnchorWithoutAliasIsHarmless() {
        assertThat(parse("version: &v '2026.04'\ncodename: Nova\n", null))
                .isEqualTo(new SuiteDispatch("2026.04", "Nova", "edge", false, false));
    }

    @Test
    void aYamlStrTagIsAllowed() {
        assertThat(parse("version: !!str 2026.10\ncodename: Orion\n", "x.yaml"))
                .isEqualTo(new SuiteDispatch("2026.10", "Orion", "edge", false, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t\r\n", "\uFEFF  "})
    void rejectsAnEmptyBody(String body) {
        assertRejected(body, "dispatch message: empty body");
        assertThatThrownBy(() -> messages.parse(null, "x.json")).hasMessage("dispatch message: empty body");
    }

    @Test
    void rejectsAnUnsupportedFormatHint() {
        assertThatThrownBy(() -> parse("{}", "text/plain"))
                .isInstanceOf(DispatchException.class)
                .hasMessage("dispatch message: unsupported format 'text/plain': use a .json, .yaml or .yml file,"
                        + " or the content type application/json, application/yaml, application/x-yaml or text/yaml");
    }

    @Test
    void rejectionsAreReleaseRuleExceptionsWithTheSubjectApart() {
        assertThatThrownBy(() -> parse(json("{'version': '2026.05', 'codename': 'Nova'}"), null))
                .isInstanceOf(ReleaseRuleException.class)
                .satisfies(e -> {
                    DispatchException d = (DispatchException) e;
                    assertThat(d.subject()).isEqualTo("dispatch suite 2026.05");
                    assertThat(d.rule()).isEqualTo("suite month must be 04 or 10: got 05");
                    assertThat(d.getCause()).isInstanceOf(ReleaseRuleException.class)
                            .hasMessage("suite-2026.05-Nova: suite month must be 04 or 10: got 05");
                });
    }

    // ---- long and hostile input ----

    @Test
    void aMebibyteOfGarbageGivesAShortMessage() {
        byte[] garbage = new byte[1024 * 1024];
        new Random(42).nextBytes(garbage);
        assertThatThrownBy(() -> messages.parse(garbage, null))
                .isInstanceOf(DispatchException.class)
                .hasMessage("dispatch message: body too large: 1048576 bytes (a dispatch message is at most 65536)");
        byte[] text = new byte[1024 * 1024];
        Arrays.fill(text, (byte) 'z');
        assertThatThrownBy(() -> messages.parse(text, "x.json")).message().hasSizeLessThan(120);
    }

    @Test
    void garbageWithinTheSizeLimitGivesTheParsersShortReason() {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[60 * 1024];
            random.nextBytes(garbage);
            garbage[0] = (byte) (i % 2 == 0 ? '{' : 'x');
            assertThatThrownBy(() -> messages.parse(garbage, null))
                    .isInstanceOf(DispatchException.class)
                    .message()
                    .startsWith("dispatch message: malformed " + (i % 2 == 0 ? "JSON" : "YAML"))
                    .hasSizeLessThan(260)
                    .doesNotContain("\n");
        }
        String words = "z".repeat(60 * 1024);
        assertRejected(words, "dispatch message: YAML message must be a mapping of fields: got '" + "z".repeat(64) + "... (61440 characters)'");
        assertThatThrownBy(() -> parse("{\"" + words + "", null))
                .message().startsWith("dispatch message: malformed JSON at line 1").hasSizeLessThan(260);
        assertThatThrownBy(() -> parse("version: [" + words, null))
                .message().startsWith("dispatch message: malformed YAML").hasSizeLessThan(260);
        assertThatThrownBy(() -> parse("version: " + "[".repeat(40_000), null))
                .hasMessage("dispatch message: malformed YAML: Document nesting depth (33) exceeds the maximum allowed (32)");
        assertThatThrownBy(() -> parse("{\"version\":" + "[".repeat(40_000), null))
                .hasMessage("dispatch message: malformed JSON: Document nesting depth (33) exceeds the maximum allowed (32)");
        assertThatThrownBy(() -> messages.parse(new byte[] {'a', ':', ' ', (byte) 0xff}, null))
                .hasMessage("dispatch message: malformed YAML at line 1, column 1: Invalid UTF-8 start byte 0xff");
    }

    @Test
    void longValuesAreRefusedAndNeverEchoedWhole() {
        String longVersion = "2026.04" + "9".repeat(1000);
        assertRejected(json("{'version': '" + longVersion + "', 'codename': 'Nova'}"),
                "dispatch message: version must be at most 64 characters: got 1007 characters");
        assertRejected(json("{'module': 'Authority', 'version': '1.2.3-" + "a".repeat(59) + "'}"),
                "dispatch message: version must be at most 64 characters: got 65 characters");
        assertThat(parse(json("{'module': 'Authority', 'version': '1.2.3-" + "a".repeat(58) + "'}"), null))
                .isInstanceOf(ModuleDispatch.class);
        String field = "x".repeat(500);
        assertRejected(json("{'" + field + "': 1}"),
                "dispatch message: unknown field '" + "x".repeat(64) + "... (500 characters)' (fields: kind, version, codename, channel, skipTests, dryRun)");
        assertRejected(json("{'version': '2026.04', 'codename': 'Nova', 'channel': '" + "b".repeat(64) + "'}"),
                "dispatch message: channel must be one of edge, stable, lts: got '" + "b".repeat(64) + "'");
    }

    @Test
    void controlCharactersAreNotEchoed() {
        assertRejected(json("{'version': '2026.04', 'codename': 'Nova', 'channel': 'lts\\nINFO released'}"),
                "dispatch message: channel must be one of edge, stable, lts: got 'lts?INFO released'");
    }

    private static Arguments row(String body, String message) {
        return Arguments.of(body, message);
    }

    private void assertRejected(String body, String message) {
        assertThatThrownBy(() -> parse(body, null))
                .isInstanceOf(DispatchException.class)
                .hasMessage(message);
    }

    // ---- one suite-version rule ----

    /**
     * Versions the copies of the suite-version pattern disagreed on (the rollback form accepted a ten-digit hotfix
     * number the tag parser failed on with a NumberFormatException, and refused 2026.04.01 under another rule):
     * tag parsing, the suite form and the rollback form now give one answer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2026.04.01", "2026.04.0", "2026.04.1234567890", "2026.4"})
    void aSuiteVersionIsRefusedByOneRuleEverywhere(String version) {
        ReleaseRuleException byTag = catchRule(() -> new SuiteTagParser(CONFIG).parse("suite-" + version));
        ReleaseRuleException bySuiteForm = catchRule(() -> parse(json("{'version': '" + version + "'}"), null));
        ReleaseRuleException byRollbackForm = catchRule(() -> parse(json("{'kind': 'rollback', 'version': '" + version + "'}"), null));
        assertThat(bySuiteForm.rule()).isEqualTo(byTag.rule());
        assertThat(byRollbackForm.rule()).isIn(byTag.rule(), "version must be a module's SemVer or a suite version: got '" + version + "'");
        if (version.chars().filter(c -> c == '.').count() == 2) {
            assertThat(byRollbackForm.rule()).isEqualTo(byTag.rule());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026.04.1", "2026.10.12"})
    void aHotfixVersionIsAcceptedEverywhere(String version) {
        assertThat(new SuiteTagParser(CONFIG).parse("suite-" + version).version()).isEqualTo(version);
        assertThat(((SuiteDispatch) parse(json("{'version': '" + version + "'}"), null)).version()).isEqualTo(version);
        assertThat(((RollbackDispatch) parse(json("{'kind': 'rollback', 'version': '" + version + "'}"), null)).version())
                .isEqualTo(version);
        assertThat(RollbackTag.parse("rollback-suite-v" + version).version()).isEqualTo(version);
    }

    private static ReleaseRuleException catchRule(Runnable call) {
        try {
            call.run();
        } catch (ReleaseRuleException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }
}
