#!/usr/bin/env node
// Writes syntaxes/rulec.tmLanguage.json. The regular expressions are built
// here from named parts so that the unit and number rules stay readable;
// `npm test` checks that the committed JSON matches this script's output.
'use strict';
const fs = require('fs');
const path = require('path');

const RESERVED = 'after|all|and|any|at|before|between|count|define|else|exclusion|false|fields|has|if|in|inclusion|index|is|known|least|LLN|missing|no|none|not|of|or|then|trial|true|ULN|use|where|within';
const RES = `(?:${RESERVED})`;
const UNIT_CHAR = `[A-Za-z0-9_%'µμ\\[\\]/.*^]`;
const NAME = '[A-Za-z_][A-Za-z0-9_]*';
// An unsigned decimal, or a power of ten as a number (`10^-3`).
const NUM = `(?<![A-Za-z0-9_])(?:10\\^[+-]?\\d+(?!${UNIT_CHAR})|\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`;
// Unit parts (see grammar/rules.pest, `unit`).
const ANN = '\\{[^{}\\s]*\\}';
const POW = '\\d+[*^E][+-]?\\d+';
const SYM = "(?:[A-Za-z%'µμ]|\\[[^\\[\\]\\s]*\\])+(?:[+-]?\\d+)?";
const COMP = `(?:${ANN}|${POW}|${SYM}(?:${ANN})?)`;
const SCALED = `\\d+(?:\\.\\d+)?[ \\t]*(?!${RES}\\b)[A-Za-z]+\\d*`;
const UNIT = `(?!${RES}(?!${UNIT_CHAR}))(?![x×][ \\t]+(?:ULN|LLN)\\b)(?:[x×][ \\t]*(?=\\d+[*^E]))?/?${COMP}(?:[./](?:${SCALED}|${COMP}))*`;
const TYPE_WORDS = '(?:bool|integer|number|date|text|one|set|list|ordered)';

const FUNCTIONS = 'min|max|sqrt|cbrt|sum|mean|latest|earliest';
const CLINICAL = 'bmi|bsa_mosteller|bsa_dubois|crcl_cockcroft_gault|egfr_ckd_epi_2021|corrected_calcium|qtc_fridericia|qtc_bazett|anc';

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'rulec',
  scopeName: 'source.rulec',
  fileTypes: ['rules'],
  patterns: [
    { include: '#comment' },
    { include: '#string' },
    { include: '#header' },
    { include: '#fields-block' },
    { include: '#criteria-block' },
    { include: '#cohort' },
    { include: '#example' },
    { include: '#expect' },
    { include: '#fhir' },
    { include: '#define' },
    { include: '#expression' },
  ],
  repository: {
    comment: {
      match: '(#).*$',
      name: 'comment.line.number-sign.rulec',
      captures: { 1: { name: 'punctuation.definition.comment.rulec' } },
    },
    string: {
      name: 'string.quoted.double.rulec',
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.rulec' } },
      // A string ends on its line: an unterminated one stops at the line end.
      end: '(")|$',
      endCaptures: { 1: { name: 'punctuation.definition.string.end.rulec' } },
      patterns: [{ match: '\\\\["\\\\]', name: 'constant.character.escape.rulec' }],
    },
    header: {
      match: '^[ \\t]*(trial|use)\\b',
      captures: { 1: { name: 'keyword.other.item.rulec' } },
    },
    define: {
      match: `\\b(define)[ \\t]+(${NAME})(?:[ \\t]*(:))?`,
      captures: {
        1: { name: 'keyword.other.item.rulec' },
        2: { name: 'entity.name.function.define.rulec' },
        3: { name: 'punctuation.separator.key-value.rulec' },
      },
    },
    'fields-block': {
      begin: '\\b(fields)[ \\t]*(\\{)',
      beginCaptures: {
        1: { name: 'keyword.other.item.rulec' },
        2: { name: 'punctuation.section.block.begin.rulec' },
      },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.block.end.rulec' } },
      patterns: [{ include: '#field-body' }],
    },
    'field-body': {
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        { include: '#field-declaration' },
        { include: '#record-type' },
        { include: '#type-words' },
        { include: '#member-set' },
        { include: '#expression' },
      ],
    },
    'field-declaration': {
      // `name:`, then a quantity's unit when the type is not a type word.
      match: `(?:^|(?<=[{,]))[ \\t]*(${NAME})[ \\t]*(:)(?:[ \\t]*(?!${TYPE_WORDS}\\b)(${UNIT}))?`,
      captures: {
        1: { name: 'variable.other.field.rulec' },
        2: { name: 'punctuation.separator.key-value.rulec' },
        3: { name: 'keyword.other.unit.rulec' },
      },
    },
    'record-type': {
      begin: '\\b(list)[ \\t]+(of)[ \\t]*(\\{)',
      beginCaptures: {
        1: { name: 'storage.type.rulec' },
        2: { name: 'storage.type.rulec' },
        3: { name: 'punctuation.section.braces.begin.rulec' },
      },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.braces.end.rulec' } },
      patterns: [{ include: '#field-body' }],
    },
    'type-words': {
      patterns: [
        { match: '\\b(one|set|list)[ \\t]+(of)\\b', name: 'storage.type.rulec' },
        { match: '\\b(with)[ \\t]+(normal)[ \\t]+(range)\\b', name: 'storage.type.rulec' },
        { match: '\\b(molar)[ \\t]+(mass)\\b', name: 'storage.type.rulec' },
        {
          match: `\\b(scale)[ \\t]+(${UNIT})[ \\t]+(as)\\b`,
          captures: {
            1: { name: 'storage.type.rulec' },
            2: { name: 'keyword.other.unit.rulec' },
            3: { name: 'storage.type.rulec' },
          },
        },
        { match: '\\b(bool|integer|number|date|text|ordered|plausible)\\b', name: 'storage.type.rulec' },
      ],
    },
    'member-set': {
      begin: '\\{',
      beginCaptures: { 0: { name: 'punctuation.section.braces.begin.rulec' } },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.braces.end.rulec' } },
      patterns: [
        { include: '#comment' },
        { match: '[A-Za-z0-9_]+', name: 'constant.other.member.rulec' },
        { match: ',', name: 'punctuation.separator.comma.rulec' },
      ],
    },
    'criteria-block': {
      begin: '\\b(inclusion|exclusion)[ \\t]*(\\{)',
      beginCaptures: {
        1: { name: 'keyword.other.item.rulec' },
        2: { name: 'punctuation.section.block.begin.rulec' },
      },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.block.end.rulec' } },
      patterns: [
        { include: '#comment' },
        {
          // A criterion's id at the start of its line: `id "label":` or `id:`.
          match: `^[ \\t]*(?!${RES}\\b)(${NAME})(?=[ \\t]*(?:"|:))`,
          captures: { 1: { name: 'entity.name.function.criterion.rulec' } },
        },
        { include: '#string' },
        { match: ':', name: 'punctuation.separator.key-value.rulec' },
        { include: '#expression' },
      ],
    },
    cohort: {
      begin: `^[ \\t]*(cohort)[ \\t]+(${NAME})`,
      beginCaptures: {
        1: { name: 'keyword.other.item.rulec' },
        2: { name: 'entity.name.section.cohort.rulec' },
      },
      end: '(?<=\\})',
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        {
          begin: '\\{',
          beginCaptures: { 0: { name: 'punctuation.section.block.begin.rulec' } },
          end: '\\}',
          endCaptures: { 0: { name: 'punctuation.section.block.end.rulec' } },
          patterns: [{ include: '#comment' }, { include: '#criteria-block' }, { include: '#define' }, { include: '#expression' }],
        },
      ],
    },
    example: {
      begin: '^[ \\t]*(example)\\b',
      beginCaptures: { 1: { name: 'keyword.other.item.rulec' } },
      end: '(?<=\\})',
      patterns: [{ include: '#comment' }, { include: '#string' }, { include: '#example-braces' }],
    },
    'example-braces': {
      begin: '\\{',
      beginCaptures: { 0: { name: 'punctuation.section.braces.begin.rulec' } },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.braces.end.rulec' } },
      patterns: [{ include: '#example-body' }],
    },
    'example-body': {
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        {
          match: `(?:^|(?<=[{,]))[ \\t]*(${NAME})[ \\t]*(:)`,
          captures: {
            1: { name: 'variable.other.field.rulec' },
            2: { name: 'punctuation.separator.key-value.rulec' },
          },
        },
        { include: '#example-braces' },
        { match: '\\b(normal)[ \\t]+(range)\\b', name: 'keyword.other.rulec' },
        { include: '#expression' },
      ],
    },
    expect: {
      match: '\\b(expect)[ \\t]+(eligible|ineligible|undetermined)\\b(?:[ \\t]+(by)\\b)?',
      captures: {
        1: { name: 'keyword.other.item.rulec' },
        2: { name: 'constant.language.verdict.rulec' },
        3: { name: 'keyword.other.rulec' },
      },
    },
    fhir: {
      begin: '^[ \\t]*(fhir)\\b',
      beginCaptures: { 1: { name: 'keyword.other.item.rulec' } },
      end: '(?<=\\})',
      patterns: [{ include: '#comment' }, { include: '#fhir-braces' }],
    },
    'fhir-braces': {
      begin: '\\{',
      beginCaptures: { 0: { name: 'punctuation.section.braces.begin.rulec' } },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.braces.end.rulec' } },
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        { match: '\\b(codes|valueset|every|component|status)\\b', name: 'keyword.other.fhir.rulec' },
        {
          // `field: Resource …`: the resource type right after the colon.
          match: `(?:^|(?<=[{,]))[ \\t]*(${NAME})[ \\t]*(:)(?:[ \\t]*([A-Z][A-Za-z]+)\\b(?!\\.))?`,
          captures: {
            1: { name: 'variable.other.field.rulec' },
            2: { name: 'punctuation.separator.key-value.rulec' },
            3: { name: 'support.class.fhir.rulec' },
          },
        },
        { match: '\\b(Patient)(\\.)([A-Za-z]+)', captures: { 1: { name: 'support.class.fhir.rulec' }, 3: { name: 'support.variable.fhir.rulec' } } },
        { match: '\\b[A-Z][A-Za-z]+(?=[ \\t]+(?:within|\\{|where)\\b|[ \\t]*\\{)', name: 'support.class.fhir.rulec' },
        { include: '#fhir-braces' },
        { include: '#expression' },
      ],
    },
    expression: {
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        { include: '#member-set' },
        { include: '#numbers' },
        {
          match: `\\b(${FUNCTIONS})(?=[ \\t]*\\()`,
          name: 'support.function.rulec',
        },
        {
          match: `\\b(${CLINICAL})(?=[ \\t]*\\()`,
          name: 'support.function.clinical.rulec',
        },
        { match: '\\b(true|false)\\b', name: 'constant.language.boolean.rulec' },
        { match: '\\b(index|ULN|LLN)\\b', name: 'constant.language.rulec' },
        { match: `\\b${RES}\\b`, name: 'keyword.control.rulec' },
        { match: '<=|>=|!=|≤|≥|≠|=|<|>|\\+|-|\\*|/|\\^', name: 'keyword.operator.rulec' },
        { match: '\\.\\.', name: 'keyword.operator.range.rulec' },
        { match: '[()]', name: 'punctuation.section.parens.rulec' },
        { match: '[\\[\\]]', name: 'punctuation.section.brackets.rulec' },
        { match: ',', name: 'punctuation.separator.comma.rulec' },
      ],
    },
    numbers: {
      patterns: [
        {
          // `2.5 x ULN`: a multiple of a normal limit, not a unit.
          match: `(${NUM})[ \\t]*([x×])[ \\t]+(ULN|LLN)\\b`,
          captures: {
            1: { name: 'constant.numeric.rulec' },
            2: { name: 'keyword.operator.multiple.rulec' },
            3: { name: 'constant.language.rulec' },
          },
        },
        {
          match: `(${NUM})[ \\t]*(${UNIT})`,
          captures: {
            1: { name: 'constant.numeric.rulec' },
            2: { name: 'keyword.other.unit.rulec' },
          },
        },
        { match: NUM, name: 'constant.numeric.rulec' },
      ],
    },
  },
};

const out = JSON.stringify(grammar, null, 2) + '\n';
if (require.main === module) {
  fs.writeFileSync(path.join(__dirname, 'rulec.tmLanguage.json'), out);
}
module.exports = { text: out };
